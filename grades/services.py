"""Every change to assessments and scores, with its rules. Scores are written only here, and every change of a
score leaves a ScoreChange behind."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import parents_by_child
from attendance_system.csvimport import ImportRejected, LineError, read_rows
from attendance_system.errors import DomainError
from courses import selectors as course_selectors
from grades import selectors
from grades.models import Assessment, Marker, Release, Score, ScoreChange, score_text
from notifications import live
from notifications.models import Kind
from notifications.services import notify_each

# What a teacher may type in a cell for a marker, lower-cased.
MARKER_WORDS = {"ex": Marker.EXCUSED, "excused": Marker.EXCUSED, "m": Marker.MISSING, "missing": Marker.MISSING}
TWO_PLACES = Decimal("0.01")


def parse_score(text, *, max_score):
    """(value, marker) from what a teacher typed: a number from 0 to the maximum (a comma as decimal point
    too), EX or M for the markers, nothing for no score yet. A DomainError says what is wrong."""
    text = (text or "").strip()
    if not text:
        return None, Marker.NONE
    if text.lower() in MARKER_WORDS:
        return None, MARKER_WORDS[text.lower()]
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise DomainError(
            _("“%(text)s” is not a score: type a number, EX (excused) or M (missing).") % {"text": text[:20]}
        )
    if value < 0:
        raise DomainError(_("A score cannot be negative."))
    if value > max_score:
        raise DomainError(_("Above the maximum of %(max)s.") % {"max": score_text(max_score, Marker.NONE)})
    if value != value.quantize(TWO_PLACES):
        raise DomainError(_("Two decimals at most."))
    return value, Marker.NONE


def _check(assessment):
    try:
        assessment.full_clean()
    except ValidationError as error:
        raise DomainError(" ".join(error.messages))


def _default_term(course):
    """The term of an assessment given none: the course's, or the current one."""
    return course.term or course_selectors.current_term(course.institution)


@transaction.atomic
def assessment_create(*, course, title, type, date, max_score, weight, term=None, release, release_on=None):
    """A new assessment, in the term given or the default one."""
    assessment = Assessment(
        course=course,
        title=title,
        type=type,
        date=date,
        max_score=max_score,
        weight=weight,
        term=term or _default_term(course),
        release=release,
        release_on=release_on,
    )
    _check(assessment)
    assessment.save()
    _after_release_change(assessment)
    return assessment


@transaction.atomic
def assessment_update(*, assessment, **fields):
    """Change an assessment; a maximum below a score already entered is refused."""
    if "term" in fields and not fields["term"]:
        fields["term"] = _default_term(assessment.course)
    for name, value in fields.items():
        setattr(assessment, name, value)
    _check(assessment)
    highest = Score.objects.filter(assessment=assessment, value__gt=assessment.max_score).order_by("-value").first()
    if highest:
        raise DomainError(
            _("%(student)s already has %(score)s: the maximum cannot be below it.")
            % {"student": highest.student, "score": score_text(highest.value, Marker.NONE)}
        )
    assessment.save()
    _after_release_change(assessment)
    return assessment


@transaction.atomic
def assessment_release(*, assessment):
    """Show the scores to students and parents now (and tell them)."""
    return assessment_update(assessment=assessment, release=Release.NOW, release_on=None)


@transaction.atomic
def assessment_delete(*, assessment):
    """Remove an assessment added by mistake; one with scores keeps them and their history."""
    if Score.objects.filter(assessment=assessment).exists():
        raise DomainError(
            _("%(assessment)s has scores, so it cannot be deleted; give it a weight of 0 to leave it out of averages.")
            % {"assessment": assessment}
        )
    assessment.delete()


def _after_release_change(assessment, *, today=None):
    """Tell students and parents once when an assessment's scores come out; if they are withdrawn, the next
    release tells them again. Open pages follow in both cases."""
    released = selectors.is_released(assessment, today=today)
    if released and assessment.notified_at is None:
        _notify_released(assessment)
        assessment.notified_at = timezone.now()
        assessment.save(update_fields=["notified_at"])
    elif not released and assessment.notified_at is not None:
        assessment.notified_at = None
        assessment.save(update_fields=["notified_at"])
        push_grades(assessment.course)


def _notify_released(assessment):
    course = assessment.course
    students = list(course_selectors.students_of(course))
    params = {"assessment": assessment.title, "course": course.code}
    own = reverse("grades:my_grades")
    recipients = [(student, own) for student in students]
    for child_id, parents in parents_by_child(students).items():
        recipients += [(parent, reverse("grades:child_grades", args=[child_id])) for parent in parents]
    notify_each(recipients, Kind.SCORES_RELEASED, params)
    push_grades(course, students=students)


def push_grades(course, *, students=None):
    """Every open grades page and profile of the course's students, theirs and their parents', fetches what it
    shows of released scores again: a loader of a few bytes to each, pushed after commit, so a release costs the
    same two queries for a class of any size, and each page reads its grades as its own viewer."""
    students = list(course_selectors.students_of(course)) if students is None else students
    parents = parents_by_child(students)
    for student in students:
        where = {"loader_id": f"released-{student.pk}-loader", "target": f"#released-{student.pk}"}
        own = live.loader(url=reverse("grades:my_grades"), **where)
        live.push(live.student_region_group(student.pk, "grades", student.pk), own)
        profile = live.student_profile_loader(student.pk)
        live.push(live.student_region_group(student.pk, "profile", student.pk), profile)
        if student.pk in parents:
            theirs = live.loader(url=reverse("grades:child_grades", args=[student.pk]), **where)
            for parent in parents[student.pk]:
                live.push(live.student_region_group(parent.pk, "grades", student.pk), theirs)
                live.push(live.student_region_group(parent.pk, "profile", student.pk), profile)


@transaction.atomic
def scores_save(*, assessment, by, entries):
    """Save `entries`, {student: (value, marker)}, for students of the course; each change is recorded with who
    made it. Returns how many scores changed. Values are checked again here: nothing is saved unless all are
    good."""
    # One save of an assessment's scores at a time: two teachers saving together each see the other's.
    Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
    enrolled = {s.pk: s for s in course_selectors.students_of(assessment.course)}
    for student, (value, marker) in entries.items():
        if student.pk not in enrolled:
            raise DomainError(_("%(student)s is not enrolled in this course.") % {"student": student})
        if value is not None and (marker or value < 0 or value > assessment.max_score):
            raise DomainError(_("The score of %(student)s is not valid.") % {"student": student})
    existing = {score.student_id: score for score in Score.objects.filter(assessment=assessment)}
    changes, new, updated = [], [], []
    now = timezone.now()
    for student, (value, marker) in entries.items():
        score = existing.get(student.pk)
        if score is None:
            if value is None and not marker:
                continue
            score = Score(assessment=assessment, student=student, value=value, marker=marker)
            new.append(score)
            old = (None, Marker.NONE)
        elif (score.value, score.marker) == (value, marker):
            continue
        else:
            old = (score.value, score.marker)
            score.value, score.marker, score.updated_at = value, marker, now
            updated.append(score)
        changes.append((score, old))
    Score.objects.bulk_create(new)
    Score.objects.bulk_update(updated, ["value", "marker", "updated_at"])
    ScoreChange.objects.bulk_create(
        ScoreChange(
            score=score, by=by, old_value=old[0], old_marker=old[1], new_value=score.value, new_marker=score.marker
        )
        for score, old in changes
    )
    if changes and selectors.is_released(assessment):
        push_grades(assessment.course)
    return len(changes)


@transaction.atomic
def scores_import(*, assessment, by, text=None, upload=None):
    """Scores from CSV lines `student_number,score` (a header line allowed); every line good, or nothing."""
    rows = list(read_rows(text=text, upload=upload))
    if rows and rows[0][1][0].lower() in {"student_number", "student number"}:
        rows = rows[1:]
    if not rows:
        raise ImportRejected([LineError(0, _("There is no line to import."))])
    enrolled = {s.student_number: s for s in course_selectors.students_of(assessment.course) if s.student_number}
    entries, errors, seen = {}, [], set()
    for number, cells in rows:
        student = enrolled.get(cells[0])
        if student is None:
            errors.append(LineError(number, _("No student of this course has the number “%(id)s”.") % {"id": cells[0]}))
            continue
        if student.pk in seen:
            errors.append(LineError(number, _("%(student)s appears twice.") % {"student": student}))
            continue
        seen.add(student.pk)
        try:
            entries[student] = parse_score(cells[1] if len(cells) > 1 else "", max_score=assessment.max_score)
        except DomainError as error:
            errors.append(LineError(number, error.message))
    if errors:
        raise ImportRejected(errors)
    return scores_save(assessment=assessment, by=by, entries=entries)


@transaction.atomic
def grading_settings_save(*, course, **fields):
    settings = selectors.grading_settings_of(course)
    for name, value in fields.items():
        setattr(settings, name, value)
    try:
        settings.full_clean()
    except ValidationError as error:
        raise DomainError(" ".join(error.messages))
    settings.save()
    return settings


def release_due(*, today=None):
    """Tell students and parents of the assessments whose release date has come (run by cron); each is told
    once. Returns the assessments told of."""
    today = today or timezone.localdate()
    released = []
    for assessment in selectors.released_due(today=today):
        with transaction.atomic():
            _after_release_change(assessment, today=today)
        released.append(assessment)
    return released
