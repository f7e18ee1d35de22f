"""Every change to behaviour records, escalation levels, events and participation: one function per action, each
checking who may do it."""

from collections import Counter
from datetime import timedelta

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.selectors import parents_of
from accounts.services import users_lock
from attendance_system.errors import DomainError
from behaviour import selectors
from behaviour.live import push_behaviour
from behaviour.models import (
    MAX_LEVEL,
    BehaviourRecord,
    Category,
    CategoryUse,
    EscalationLevel,
    Event,
    Participation,
    Polarity,
)
from courses.selectors import courses_managed_by, students_of
from notifications.models import Kind
from notifications.services import notify_many


@transaction.atomic
def records_create(*, author, course, students, category, polarity, note="", date=None):
    """The same record for each of `students` of `course`, written by `author`, one of its teachers."""
    _check_teaches(author, course)
    students = list(students)
    if not students:
        raise ValidationError({"students": _("Choose at least one student.")})
    _check_enrolled(course, students, field="students")
    fields = {
        "course": course,
        "category": category,
        "polarity": polarity,
        "note": note,
        "date": date or timezone.localdate(),
        "author": author,
    }
    # The fields are the same for every student: checking one record checks them all.
    BehaviourRecord(student=students[0], **fields).full_clean()
    if polarity == Polarity.NEGATIVE:
        users_lock(students)  # see escalate
    records = BehaviourRecord.objects.bulk_create(BehaviourRecord(student=student, **fields) for student in students)
    if polarity == Polarity.NEGATIVE:
        escalate(students=students, course=course)
    push_behaviour(
        students, teachers=course.teachers.all(), family=_family_sees(polarity, fields["date"], course.institution)
    )
    return records


def _family_sees(polarity, day, institution):
    """Whether the student and their parents are shown a record of this polarity and date."""
    return polarity == Polarity.POSITIVE or selectors.family_sees_negative_on(day, institution)


def _push_record(record, *, family_saw):
    """Pages showing the record's student follow a change of it (the family's, if they saw it or see it now)."""
    family = family_saw or _family_sees(record.polarity, record.date, record.course.institution)
    push_behaviour([record.student], teachers=record.course.teachers.all(), family=family)


def _check_teaches(user, course):
    if not courses_managed_by(user).filter(pk=course.pk).exists():
        raise DomainError(_("You can record behaviour only in your own courses."))


def _check_enrolled(course, students, *, field):
    enrolled = set(students_of(course).filter(pk__in=[s.pk for s in students]).values_list("pk", flat=True))
    outside = [str(student) for student in students if student.pk not in enrolled]
    if outside:
        message = ngettext(
            "%(names)s is not enrolled in this course.", "%(names)s are not enrolled in this course.", len(outside)
        )
        raise ValidationError({field: message % {"names": ", ".join(outside)}})


def _check_editable(record, by):
    if not selectors.records_editable_by(by).filter(pk=record.pk).exists():
        raise DomainError(_("Only the teacher who wrote a record, or an administrator, may change it."))


@transaction.atomic
def record_update(*, record, by, category, polarity, note, date):
    _check_editable(record, by)
    family_saw = _family_sees(record.polarity, record.date, record.course.institution)
    record.category, record.polarity, record.note, record.date = category, polarity, note, date
    record.full_clean()
    if record.polarity == Polarity.NEGATIVE:
        users_lock([record.student])  # see escalate
    record.save()
    if record.polarity == Polarity.NEGATIVE:
        escalate(students=[record.student], course=record.course)
    _push_record(record, family_saw=family_saw)
    return record


@transaction.atomic
def record_delete(*, record, by):
    _check_editable(record, by)
    record.delete()
    _push_record(record, family_saw=False)


def level_for(count, institution):
    """The escalation level `count` negative records within the window reach (0 for none)."""
    return min(MAX_LEVEL, count // institution.escalation_count)


def escalate(*, students, course):
    """Record, and tell the parents and `course`'s teachers about, each level that `students` reach now and have
    not reached within the window already. Called after a negative record is written, with the students locked
    since before it was (accounts.services.users_lock): a concurrent negative record of the same student waits,
    then counts this one and sees the level recorded here. Returns the new levels."""
    now = timezone.now()
    institution = course.institution
    window = BehaviourRecord.objects.filter(
        student__in=students, polarity=Polarity.NEGATIVE, date__gte=selectors.escalation_window_start(institution)
    )
    counts = Counter(window.values_list("student_id", flat=True))
    reached = {
        student_id: level_for(count, institution)
        for student_id, count in counts.items()
        if level_for(count, institution)
    }
    if not reached:
        return []
    days = institution.escalation_days
    known = set(
        EscalationLevel.objects.filter(student_id__in=reached, reached_at__gt=now - timedelta(days=days)).values_list(
            "student_id", "level"
        )
    )
    levels = EscalationLevel.objects.bulk_create(
        EscalationLevel(student=student, level=level, course=course, reached_at=now, records_counted=counts[student.pk])
        for student in students
        for level in range(1, reached.get(student.pk, 0) + 1)
        if (student.pk, level) not in known
    )
    teachers = list(course.teachers.all()) if levels else []
    # Parents who are not shown negative records are not told of the levels they make either.
    tell_parents = selectors.family_sees_negative_on(timezone.localdate(), institution)
    for level in levels:
        _announce(level, [*(parents_of(level.student) if tell_parents else []), *teachers])
    return levels


def _announce(level, recipients):
    params = {
        "student": str(level.student),
        "level": level.level,
        "max": MAX_LEVEL,
        "count": level.records_counted,
        "days": level.course.institution.escalation_days,
        "course": level.course.code,
    }
    url = reverse("behaviour:student_detail", args=[level.student_id])
    notify_many(recipients, Kind.BEHAVIOUR_ESCALATION, params, url=url)


@transaction.atomic
def event_record(*, by, course, name, date, linked, statuses):
    """An event with how each student of `course`'s roster in `statuses` ({student: (status, remarks)}) took
    part. The event belongs to `course` when `linked`; otherwise `course` only supplied the list of students."""
    _check_teaches(by, course)
    if not statuses:
        raise ValidationError(_("Choose a status for at least one student."))
    _check_enrolled(course, list(statuses), field=NON_FIELD_ERRORS)
    event = Event(name=name, date=date, course=course if linked else None, created_by=by)
    event.full_clean()
    event.save()
    participations = [
        Participation(event=event, student=student, status=status, remarks=remarks)
        for student, (status, remarks) in statuses.items()
    ]
    for participation in participations:
        participation.full_clean(exclude=["event", "student"], validate_unique=False)
    Participation.objects.bulk_create(participations)
    push_behaviour(list(statuses), teachers=_event_teachers(event))
    return event


def _event_teachers(event):
    """The teachers who may open an event: its course's and the one who recorded it."""
    teachers = list(event.course.teachers.all()) if event.course else []
    return teachers + ([event.created_by] if event.created_by else [])


def _check_participation_editable(participation, by):
    if not selectors.participations_editable_by(by).filter(pk=participation.pk).exists():
        raise DomainError(
            _("Only a teacher of the event's course, the teacher who recorded it, or an administrator may change it.")
        )


@transaction.atomic
def participation_update(*, participation, by, status, remarks=""):
    """Correct how a student took part in an event."""
    _check_participation_editable(participation, by)
    participation.status, participation.remarks = status, remarks
    participation.full_clean(exclude=["event", "student"], validate_unique=False)
    participation.save(update_fields=["status", "remarks"])
    push_behaviour([participation.student], teachers=_event_teachers(participation.event))
    return participation


@transaction.atomic
def participation_delete(*, participation, by):
    """Take a student out of an event they were entered in by mistake."""
    _check_participation_editable(participation, by)
    participation.delete()
    push_behaviour([participation.student], teachers=_event_teachers(participation.event))


# The categories an institution starts with; its administrators rename, add or retire them in Django admin.
DEFAULT_CATEGORIES = [
    ("Participation", CategoryUse.BOTH),
    ("Homework", CategoryUse.BOTH),
    ("Effort", CategoryUse.BOTH),
    ("Kindness", CategoryUse.POSITIVE),
    ("Leadership", CategoryUse.POSITIVE),
    ("Discipline", CategoryUse.NEGATIVE),
    ("Punctuality", CategoryUse.NEGATIVE),
    ("Disruption", CategoryUse.NEGATIVE),
]


@transaction.atomic
def categories_create_defaults(*, institution):
    """Give an institution the default categories it lacks (a new institution starts with them)."""
    for name, use in DEFAULT_CATEGORIES:
        Category.objects.get_or_create(institution=institution, name=name, defaults={"use": use})
