from datetime import UTC, datetime, timedelta

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Role, User
from accounts.selectors import children_of, institution_of
from attendance.models import AttendanceCode, AttendanceRecord, CodeLockout, Justification, Purpose, Status
from attendance_system.prepared import Prepared
from courses.limits import place_of
from courses.models import ClassSession, Enrollment, SessionState
from courses.selectors import (
    courses_managed_by,
    open_sessions_of_student,
    sessions_in,
    sessions_managed_by,
    sessions_of_student,
    students_of,
)

MAX_WRONG_CODES = 5


def sessions_held(sessions, *, now=None):
    """The sessions that count in rates: ended, not cancelled, and attendance taken (opened for check-in, or
    with a record from roll call). A session nobody took attendance for makes nobody absent."""
    taken = Q(state__in=[SessionState.OPEN, SessionState.CLOSED]) | Exists(
        AttendanceRecord.objects.filter(session=OuterRef("pk"))
    )
    return sessions.filter(taken, ends_at__lt=now or timezone.now()).exclude(state=SessionState.CANCELLED)


def held_sessions(course, *, now=None):
    return sessions_held(course.sessions.all(), now=now).select_related("course")


def statuses_in(sessions):
    """(session id, student id, status) of every record of `sessions`."""
    return AttendanceRecord.objects.filter(session__in=sessions).values_list("session_id", "student_id", "status")


def managed_record_or_404(user, pk):
    """The record `pk` if the user manages its session; otherwise 404, as if it did not exist."""
    return get_object_or_404(
        AttendanceRecord.objects.select_related("session__course", "student"),
        pk=pk,
        session__in=sessions_managed_by(user),
    )


def statuses_by_student(session):
    """{student id: status} of a session's records."""
    return dict(AttendanceRecord.objects.filter(session=session).values_list("student_id", "status"))


def statuses_of_student(student, sessions):
    """{session id: status} of a student's records in `sessions`."""
    return dict(
        AttendanceRecord.objects.filter(student=student, session__in=sessions).values_list("session_id", "status")
    )


# What a check-in needs to know of a live code's session, for live_codes_of_student. Values go as parameters.
FAILURES_SQL = (
    "COALESCE((SELECT l.failures FROM attendance_codelockout l"
    " WHERE l.session_id = attendance_attendancecode.session_id AND l.student_id = %s), 0)"
)
RECORD_STATUS_SQL = (
    "(SELECT r.status FROM attendance_attendancerecord r WHERE r.session_id = attendance_attendancecode.session_id"
    " AND r.student_id = %s)"
)
SHARED_BROWSER_SQL = (
    "EXISTS (SELECT 1 FROM attendance_attendancerecord r WHERE r.session_id = attendance_attendancecode.session_id"
    " AND r.browser_marker = %s AND r.browser_marker <> '' AND r.student_id <> %s)"
)


def _live_codes(*, student_id, now, marker):
    return (
        AttendanceCode.objects.filter(
            ended_at__isnull=True,
            expires_at__gt=now,
            session__in=open_sessions_of_student(User(pk=student_id)).filter(ends_at__gt=now).values("pk"),
        )
        .select_related("session__course")
        .annotate(
            failures=RawSQL(FAILURES_SQL, (student_id,), output_field=IntegerField()),  # noqa: S611
            record_status=RawSQL(RECORD_STATUS_SQL, (student_id,), output_field=CharField()),  # noqa: S611
            shared_browser=RawSQL(SHARED_BROWSER_SQL, (marker, student_id), output_field=BooleanField()),  # noqa: S611
        )
        .order_by("-issued_at")
    )


# Values no other parameter of the query has (attendance_system/prepared.py).
_prepared_live_codes = Prepared(
    _live_codes,
    student_id=-739_104_625,
    now=datetime(1901, 2, 3, 4, 5, 6, 789_012, tzinfo=UTC),
    marker="\x00live-codes-marker",
)


def live_codes_of_student(student, *, now, marker=""):
    """The live codes of the student's open sessions, newest first, sessions and courses loaded, each annotated
    with what the check-in needs to know: `failures` (the student's wrong codes there, locked at
    MAX_WRONG_CODES), `record_status` (their record's, or None) and `shared_browser` (another student checked
    in from this browser). One query.

    The three are written in SQL: built as Exists and Subquery expressions, they cost the ORM 1.8 ms of CPU to
    compile at every check-in, a tenth of a lecture hall's check-in (bench/checkin_burst.py, py-spy). The SQL
    is constant and every value a parameter; and the whole query is compiled once per process (a lecture hall's
    check-in spent 1.4 ms of CPU building and compiling it, bench/checkin_profile.py).
    """
    return _prepared_live_codes(student_id=student.pk, now=now, marker=marker)


def checkin_card(student):
    """What a student's check-in card shows: their open sessions, each with their `record` (or None), whether
    code entry is `locked` for it and whether its `checkout_code` is live; `box` when one still waits for a code,
    `locked` when all that wait are locked, `locate` when one that waits checks where the student is. Three
    queries (four when a course requires check-out)."""
    sessions = list(open_sessions_of_student(student))
    records = {r.session_id: r for r in AttendanceRecord.objects.filter(student=student, session__in=sessions)}
    checkout_codes = set()
    if any(session.course.checkout_required for session in sessions):
        checkout_codes = set(
            AttendanceCode.objects.filter(
                session__in=sessions, ended_at__isnull=True, expires_at__gt=timezone.now(), purpose=Purpose.CHECK_OUT
            ).values_list("session_id", flat=True)
        )
    locked = set(
        locked_lockouts(CodeLockout.objects.filter(student=student, session__in=sessions)).values_list(
            "session_id", flat=True
        )
    )
    waiting = []
    for session in sessions:
        session.record = records.get(session.pk)
        session.locked = session.record is None and session.pk in locked
        session.checkout_code = session.pk in checkout_codes
        if session.record is None:
            waiting.append(session)
    return {
        "open_sessions": sessions,
        "box": any(not session.locked for session in waiting),
        "locked": bool(waiting) and all(session.locked for session in waiting),
        "locate": any_place(waiting),
    }


def record_of(session, student):
    """The student's record of the session, or None."""
    return AttendanceRecord.objects.filter(session=session, student=student).first()


def any_place(sessions):
    """Whether one of the sessions checks where students are, so that the check-in form sends the position."""
    return any(place_of(session) for session in sessions)


def live_code(session):
    return AttendanceCode.objects.filter(session=session, ended_at__isnull=True).first()


def records_for_live(session):
    """The session's records, newest first, with students and a flag for a browser shared with another student.

    A record with no marker (roll call, closing) shares nothing and is not looked up: a closed lecture hall's
    thousand such records would each scan the thousand others."""
    shared = AttendanceRecord.objects.filter(
        session=OuterRef("session"), browser_marker=OuterRef("browser_marker")
    ).exclude(student=OuterRef("student"))
    return (
        AttendanceRecord.objects.filter(session=session)
        .select_related("student")
        .annotate(
            shared_browser=Case(
                When(browser_marker="", then=Value(False)), default=Exists(shared), output_field=BooleanField()
            )
        )
        .order_by("-submitted_at", "-pk")
    )


COUNTERS = ["enrolled", "checked_in", "validated", "pending", "absent", "recorded"]


def counters(session):
    """A session's students: enrolled, checked in, validated, pending, absent (marked so) and not checked in
    (no record yet: closing marks them absent), in one query."""
    counts = with_live_counts(ClassSession.objects.filter(pk=session.pk)).values(*COUNTERS).get()
    counts["enrolled"] = counts["enrolled"] or 0
    return {**counts, "not_checked_in": max(counts["enrolled"] - counts["recorded"], 0)}


def locked_lockouts(lockouts):
    """Those of `lockouts` that lock code entry."""
    return lockouts.filter(failures__gte=MAX_WRONG_CODES)


def locked_students(session):
    return locked_lockouts(CodeLockout.objects.filter(session=session)).select_related("student")


def student_ids(session):
    return list(students_of(session.course).values_list("pk", flat=True))


def justifications_visible_to(user):
    """Justifications a user may see: their own, their children's, their courses', or all for an admin."""
    justifications = Justification.objects.filter(course__institution=institution_of(user)).select_related(
        "student", "course", "document", "submitted_by"
    )
    if user.is_admin:
        return justifications
    if user.is_teacher:
        return justifications.filter(course__in=courses_managed_by(user))
    if user.is_student:
        return justifications.filter(student=user)
    if user.is_parent:
        return justifications.filter(student__in=children_of(user))
    return justifications.none()


def justifications_reviewable_by(user):
    return justifications_visible_to(user).filter(course__in=courses_managed_by(user))


def sessions_to_justify(student):
    """The sessions a justification may cover: the student's, not cancelled, from 60 days back to 14 ahead,
    each with the student's `status` there; those missed (ended, absent or no record) first, newest first."""
    now = timezone.now()
    status = AttendanceRecord.objects.filter(session=OuterRef("pk"), student=student).values("status")[:1]
    return (
        sessions_of_student(student)
        .exclude(state=SessionState.CANCELLED)
        .filter(starts_at__gte=now - timedelta(days=60), starts_at__lte=now + timedelta(days=14))
        .annotate(status=Subquery(status))
        .annotate(
            missed=Case(
                When(Q(ends_at__lte=now) & (Q(status__isnull=True) | Q(status=Status.ABSENT)), then=True),
                default=False,
            )
        )
        .select_related("course")
        .order_by("-missed", "-starts_at")
    )


def with_live_counts(sessions):
    """Sessions annotated with the counts of their students (see `counters`), in the same query."""
    enrolled = (
        Enrollment.objects.filter(course=OuterRef("course"), active=True, student__role=Role.STUDENT)
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )

    def records(*statuses):
        return Count("records", filter=Q(records__status__in=statuses) if statuses else None)

    return sessions.annotate(
        enrolled=Subquery(enrolled[:1]),
        checked_in=records(Status.PENDING, Status.PRESENT, Status.LATE),
        validated=records(Status.PRESENT, Status.LATE),
        pending=records(Status.PENDING),
        absent=records(Status.ABSENT),
        recorded=records(),
    )


# Reads for reports at the size of a term (1,000 students x 120 sessions): only what a page shows, or what
# differs from the common case, crosses into Python.


def cells_not_present(enrollments, sessions):
    """(enrolment id, student id, session id, status or None) of each register cell that is not a present record:
    for each student of `enrollments` and each session of their course in `sessions` on or after their enrolment
    day, whose record of it is not present (None: there is none).

    Present is by far the commonest status, so this is a small part of a term's register (a few thousand of
    120,000 cells), read in one pass over the records; every cell it leaves out is a present record."""
    present = AttendanceRecord.objects.filter(
        session=OuterRef("session_id"), student=OuterRef("student"), status=Status.PRESENT
    )
    status = AttendanceRecord.objects.filter(session=OuterRef("session_id"), student=OuterRef("student")).order_by()
    return (
        Enrollment.objects.filter(pk__in=enrollments.values("pk"))
        .annotate(session_id=F("course__sessions"), session_day=F("course__sessions__starts_at__date"))
        .filter(session_id__in=sessions, session_day__gte=F("enrolled_on"))
        .filter(~Exists(present))
        .annotate(status=Subquery(status.values("status")[:1]))
        .values_list("pk", "student_id", "session_id", "status")
        .order_by()
    )


def checkout_times(sessions, students):
    """(session id, student id, check-in time, check-out time or None, left early) of the records of `students`
    in `sessions`."""
    return AttendanceRecord.objects.filter(student__in=students, session__in=sessions).values_list(
        "session_id", "student_id", "submitted_at", "checked_out_at", "left_early"
    )


def statuses_of_students(students, sessions):
    """(session id, student id, status) of the records of `students` in `sessions`."""
    return AttendanceRecord.objects.filter(student__in=students, session__in=sessions).values_list(
        "session_id", "student_id", "status"
    )


def records_to_export(course, *, first=None, last=None, student=None):
    """The course's records (between the local dates `first` and `last`, of one `student`, when given) as tuples
    for an export, oldest session first: the session as its id, and the submission (check-in) and check-out
    times as the text of their UTC value ("2026-09-01 08:02:11.5+00" on PostgreSQL, without the offset on
    SQLite), since Django reads a PostgreSQL timestamp through psycopg's pure-Python parser, a few microseconds
    a value: most of the time of a 100,000-row export."""
    records = AttendanceRecord.objects.filter(session__in=sessions_in(courses=[course], first=first, last=last))
    if student:
        records = records.filter(student=student)
    return records.order_by("session__starts_at", "student__last_name", "pk").values_list(
        "session_id",
        "student__student_number",
        "student__last_name",
        "student__first_name",
        "student__email",
        "status",
        "method",
        Cast("submitted_at", CharField()),
        "is_late",
        Cast("checked_out_at", CharField()),
        "left_early",
    )
