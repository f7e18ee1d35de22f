from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.selectors import institution_of, parents_of, user_by_identifier
from attendance_system.csvimport import ImportRejected, LineError, read_rows
from attendance_system.errors import DomainError
from courses.models import ClassSession, Course, Enrollment, SessionState
from courses.notices import session_params
from courses.selectors import students_of
from notifications import live
from notifications.models import Kind
from notifications.services import notify_many

MAX_SERIES_DAYS = 366


@transaction.atomic
def course_create(*, teacher, code, title, **fields):
    """A course of the teacher's (or administrator's) institution, taught by the teacher."""
    course = Course(institution=institution_of(teacher), code=code.strip().upper(), title=title, **fields)
    course.full_clean()
    course.save()
    if teacher.is_teacher:
        course.teachers.add(teacher)
    return course


@transaction.atomic
def course_update(*, course, code, title, **fields):
    course.code = code.strip().upper()
    course.title = title
    for name, value in fields.items():
        setattr(course, name, value)
    course.full_clean()
    course.save()
    return course


@transaction.atomic
def course_set_teachers(*, course, teachers):
    """Set who teaches a course (Django admin). A teacher taken off it loses their live sockets: they were let
    into its session rooms, and their pages reconnect under what they may see now."""
    if any(teacher.institution_id != course.institution_id for teacher in teachers):
        raise DomainError(_("A course's teachers belong to its institution."))
    kept = {teacher.pk for teacher in teachers}
    removed = [pk for pk in course.teachers.values_list("pk", flat=True) if pk not in kept]
    course.teachers.set(teachers)
    for teacher_id in removed:
        live.close_sockets(teacher_id)


@transaction.atomic
def academic_year_save(*, year):
    year.full_clean()
    year.save()
    return year


@transaction.atomic
def term_save(*, term):
    """A term as an administrator writes it: inside its year, overlapping none of the year's other terms."""
    term.full_clean()
    term.save()
    return term


@transaction.atomic
def term_delete(*, term):
    """Delete a term; one that courses or their work belong to is protected by the database."""
    term.delete()


@transaction.atomic
def course_set_archived(*, course, archived):
    course.archived = archived
    course.save(update_fields=["archived"])
    return course


def course_delete(*, course):
    try:
        with transaction.atomic():
            course.delete()
    except ProtectedError:
        raise DomainError(
            _("%(course)s has attendance, grades or behaviour records, so it cannot be deleted; archive it instead.")
            % {"course": course}
        )


@transaction.atomic
def session_create(*, course, starts_at, ends_at, room="", late_after_minutes=None, **limits):
    """A session; `limits` are its own check-in limits (ClassSession's fields of CheckinLimits and overrides)."""
    session = ClassSession(
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        room=room,
        late_after_minutes=_late_after(course, late_after_minutes),
        **limits,
    )
    session.full_clean()
    session.save()
    return session


def _late_after(course, minutes):
    """The minutes given, or the institution's default."""
    return course.institution.late_after_minutes if minutes is None else minutes


def _series_days(weekdays, first_date, last_date):
    if last_date < first_date:
        raise DomainError(_("The last date must not be before the first date."))
    if (last_date - first_date).days > MAX_SERIES_DAYS:
        raise DomainError(_("A series may span one year at most."))
    days, day = [], first_date
    while day <= last_date:
        if day.weekday() in weekdays:
            days.append(day)
        day += timedelta(days=1)
    if not days:
        raise DomainError(_("No day in that date range falls on the chosen weekdays."))
    return days


@transaction.atomic
def sessions_create_weekly(
    *, course, weekdays, start_time, end_time, first_date, last_date, room="", late_after_minutes=None
):
    """One session on each chosen weekday (0 is Monday) between the two dates, times in the local zone."""
    zone = timezone.get_current_timezone()
    sessions = [
        ClassSession(
            course=course,
            starts_at=timezone.make_aware(datetime.combine(day, start_time), zone),
            ends_at=timezone.make_aware(datetime.combine(day, end_time), zone),
            room=room,
            late_after_minutes=_late_after(course, late_after_minutes),
        )
        for day in _series_days({int(d) for d in weekdays}, first_date, last_date)
    ]
    try:
        for session in sessions:
            session.full_clean()
    except ValidationError as error:
        raise DomainError(" ".join(error.messages))
    return ClassSession.objects.bulk_create(sessions)


@transaction.atomic
def session_update(*, session, starts_at, ends_at, room, late_after_minutes, **limits):
    session.starts_at = starts_at
    session.ends_at = ends_at
    session.room = room
    session.late_after_minutes = late_after_minutes
    for name, value in limits.items():
        setattr(session, name, value)
    session.full_clean()
    session.save()
    return session


def session_delete(*, session):
    try:
        with transaction.atomic():
            session.delete()
    except ProtectedError:
        raise DomainError(_("This session has attendance records, so it cannot be deleted; cancel it instead."))


def _student_for(identifier, course):
    """The student of the course's institution with this email or number. Anyone else, or no one, gets the same
    answer: a roster form must not tell a teacher whether an account exists, nor whose it is."""
    user = user_by_identifier(identifier, institution=course.institution)
    if user is None or user.role != Role.STUDENT:
        raise DomainError(_("No student has the email or student number “%(id)s”.") % {"id": identifier})
    return user


def _enroll(course, student):
    enrollment = Enrollment.objects.filter(course=course, student=student).first()
    if enrollment is None:
        return enrollment_save(enrollment=Enrollment(course=course, student=student))
    if enrollment.active:
        raise DomainError(_("%(student)s is already enrolled.") % {"student": student})
    # Back on the roster from the date they first enrolled: their earlier records count again.
    enrollment.active = True
    return enrollment_save(enrollment=enrollment)


@transaction.atomic
def enrollment_save(*, enrollment):
    """An enrolment as Django admin edits it: checked like any other (a student, once per course). A student
    it no longer puts on that course's roster loses their live sockets (see `enrollment_remove`)."""
    enrollment.full_clean()
    before = Enrollment.objects.filter(pk=enrollment.pk, active=True).values("student_id", "course_id").first()
    enrollment.save()
    now = {"student_id": enrollment.student_id, "course_id": enrollment.course_id}
    if before is not None and (before != now or not enrollment.active):
        live.close_sockets(before["student_id"])
    return enrollment


@transaction.atomic
def enrollment_delete(*, enrollment):
    """Delete an enrolment (Django admin; the app deactivates instead, see `enrollment_remove`)."""
    if enrollment.active:
        live.close_sockets(enrollment.student_id)
    enrollment.delete()


@transaction.atomic
def enrollment_add(*, course, identifier):
    """Enroll the student with this email or student number."""
    return _enroll(course, _student_for(identifier, course))


@transaction.atomic
def enrollments_import(*, course, text=None, upload=None):
    """Enroll one student per line (email or student number, first column); all lines good, or none.

    A first line reading `email` or `student_number` is taken as a header and skipped.
    """
    rows = list(read_rows(text=text, upload=upload))
    if rows and rows[0][1][0].lower() in {"email", "student_number", "student number"}:
        rows = rows[1:]
    if not rows:
        raise ImportRejected([LineError(0, _("There is no line to import."))])
    students, errors, seen = [], [], set()
    for number, cells in rows:
        try:
            student = _student_for(cells[0], course)
        except DomainError as error:
            errors.append(LineError(number, error.message))
            continue
        if student.pk in seen:
            errors.append(LineError(number, _("%(student)s appears twice.") % {"student": student}))
        elif Enrollment.objects.filter(course=course, student=student, active=True).exists():
            errors.append(LineError(number, _("%(student)s is already enrolled.") % {"student": student}))
        seen.add(student.pk)
        students.append(student)
    if errors:
        raise ImportRejected(errors)
    return [_enroll(course, student) for student in students]


@transaction.atomic
def enrollment_remove(*, course, student):
    """Take a student off the roster; their past records stay, and enrolling them again restores them."""
    updated = Enrollment.objects.filter(course=course, student=student, active=True).update(active=False)
    if not updated:
        raise DomainError(_("%(student)s is not enrolled in this course.") % {"student": student})
    # Their open pages were let in to see this course's sessions: they reconnect under what they may see now.
    live.close_sockets(student.pk)


def course_lock(course):
    """Lock a course until the transaction ends, so that work on it (an alert run) happens one at a time."""
    return Course.objects.select_for_update().get(pk=course.pk)


def session_lock(session):
    """The session as it is now, locked until the transaction ends, so that two changes of state (or a change
    of state and a roll call, a new code...) happen one at a time. Callers run inside `transaction.atomic`."""
    return ClassSession.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)


def open_early():
    """How long before its start a session may be opened for check-in."""
    return timedelta(minutes=settings.SESSION_OPEN_EARLY_MINUTES)


S = SessionState
# The only ways a session's state may change: scheduled -> open -> closed, scheduled -> cancelled -> scheduled.
TRANSITIONS = {(S.SCHEDULED, S.OPEN), (S.OPEN, S.CLOSED), (S.SCHEDULED, S.CANCELLED), (S.CANCELLED, S.SCHEDULED)}
# Why a transition is refused, by the state asked for and then the state the session is in.
REFUSALS = {
    S.OPEN: {
        S.OPEN: gettext_lazy("This session is already open for check-in."),
        S.CLOSED: gettext_lazy("This session is closed."),
        S.CANCELLED: gettext_lazy("This session is cancelled."),
    },
    S.CLOSED: {
        S.SCHEDULED: gettext_lazy("Only a session open for check-in can be closed."),
        S.CLOSED: gettext_lazy("This session is already closed."),
        S.CANCELLED: gettext_lazy("This session is cancelled."),
    },
    S.CANCELLED: {
        S.OPEN: gettext_lazy("Only a session that has not opened for check-in can be cancelled."),
        S.CLOSED: gettext_lazy("Only a session that has not opened for check-in can be cancelled."),
        S.CANCELLED: gettext_lazy("This session is already cancelled."),
    },
    S.SCHEDULED: dict.fromkeys([S.SCHEDULED, S.OPEN, S.CLOSED], gettext_lazy("This session is not cancelled.")),
}


def _transition(session, to, *, now, **fields):
    """Move a session to `to` if the table allows it and its time rules hold, under its lock; the caller's
    instance follows. `fields` are saved with the new state."""
    locked = session_lock(session)
    if (locked.state, to) not in TRANSITIONS:
        raise DomainError(str(REFUSALS[to][locked.state]))
    if to == S.OPEN and not locked.starts_at - open_early() <= now < locked.ends_at:
        raise DomainError(
            _("A session can be opened from %(minutes)d minutes before its start until its end.")
            % {"minutes": settings.SESSION_OPEN_EARLY_MINUTES}
        )
    if locked.state == S.CANCELLED and now >= locked.starts_at:
        raise DomainError(_("A session can be restored only before it starts."))
    for instance in (locked, session):
        instance.state = to
        for name, value in fields.items():
            setattr(instance, name, value)
    locked.full_clean()
    locked.save(update_fields=["state", *fields, "updated_at"])
    session.updated_at = locked.updated_at
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            badge = render_to_string("courses/_state_badge.html", {"session": locked, "oob": True})
        live.push(live.session_watch_group(locked.pk, language), badge)
    return locked


@transaction.atomic
def session_open(*, session, now=None):
    """Open a session for check-in (`attendance.services.session_open` adds its code and tells the students)."""
    return _transition(session, S.OPEN, now=now or timezone.now())


@transaction.atomic
def session_close(*, session, now=None):
    """End check-in (`attendance.services.session_close` marks the absent students)."""
    return _transition(session, S.CLOSED, now=now or timezone.now())


def _students_and_parents(course):
    students = list(students_of(course))
    return [*students, *parents_of(*students)]


@transaction.atomic
def session_cancel(*, session, reason, now=None):
    """Cancel a scheduled session; its students and their parents are told (in the app, live, by email)."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give a reason; students and parents will read it."))
    session = _transition(session, S.CANCELLED, now=now or timezone.now(), cancel_reason=reason)
    notify_many(
        _students_and_parents(session.course),
        Kind.SESSION_CANCELLED,
        session_params(session, reason=reason),
        url=reverse("courses:course_detail", args=[session.course_id]),
    )
    return session


@transaction.atomic
def session_restore(*, session, now=None):
    """Undo a cancellation, before the session starts; everyone told of it is told again."""
    session = _transition(session, S.SCHEDULED, now=now or timezone.now(), cancel_reason="")
    notify_many(
        _students_and_parents(session.course),
        Kind.SESSION_RESTORED,
        session_params(session),
        url=reverse("courses:course_detail", args=[session.course_id]),
    )
    return session
