"""The attendance rate on hand-made cases: (present + late) / (sessions held - excused)."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import first_institution
from attendance.models import AttendanceRecord, Status
from courses.models import SessionState
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from reports import selectors as reports

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def course():
    return CourseFactory()


def past_sessions(course, count, *, first_days_ago=30):
    return [
        ClassSessionFactory(
            course=course, starts_at=NOW - timedelta(days=first_days_ago - i), state=SessionState.CLOSED
        )
        for i in range(count)
    ]


def enrolled(course, days_ago=60):
    return EnrollmentFactory(course=course, enrolled_on=timezone.localdate(NOW) - timedelta(days=days_ago))


def mark(enrollment, sessions, *statuses):
    for session, status in zip(sessions, statuses, strict=True):
        AttendanceRecord.objects.create(session=session, student=enrollment.student, status=status)


def rate_of(enrollment):
    [row] = reports.enrollment_rates(type(enrollment).objects.filter(pk=enrollment.pk), now=NOW)
    return row.tally


def test_all_present_is_100(course):
    sessions, student = past_sessions(course, 4), enrolled(course)
    mark(student, sessions, *[Status.PRESENT] * 4)
    row = rate_of(student)
    assert (row.held, row.present, row.rate) == (4, 4, 100.0)


def test_late_counts_as_attended_and_missing_records_as_absent(course):
    sessions, student = past_sessions(course, 4), enrolled(course)
    mark(student, sessions[:2], Status.PRESENT, Status.LATE)
    row = rate_of(student)
    assert (row.held, row.present, row.late, row.absent, row.rate) == (4, 1, 1, 2, 50.0)


def test_excused_sessions_leave_the_denominator(course):
    sessions, student = past_sessions(course, 4), enrolled(course)
    mark(student, sessions, Status.PRESENT, Status.EXCUSED, Status.EXCUSED, Status.ABSENT)
    assert rate_of(student).rate == 50.0


def test_all_excused_has_no_rate(course):
    sessions, student = past_sessions(course, 3), enrolled(course)
    mark(student, sessions, *[Status.EXCUSED] * 3)
    row = rate_of(student)
    assert (row.held, row.excused, row.rate) == (3, 3, None)


def test_cancelled_and_future_sessions_do_not_count(course):
    sessions, student = past_sessions(course, 3), enrolled(course)
    mark(student, sessions, Status.PRESENT, Status.PRESENT, Status.ABSENT)
    sessions[2].state = SessionState.CANCELLED
    sessions[2].save()
    ClassSessionFactory(course=course, starts_at=NOW + timedelta(days=1))
    row = rate_of(student)
    assert (row.held, row.rate) == (2, 100.0)


def test_a_student_enrolled_mid_term_counts_only_sessions_since(course):
    sessions = past_sessions(course, 6, first_days_ago=30)
    late_joiner = enrolled(course, days_ago=27)  # after the first three sessions
    mark(late_joiner, sessions[3:], Status.PRESENT, Status.PRESENT, Status.ABSENT)
    row = rate_of(late_joiner)
    assert row.held == 3
    assert row.rate == pytest.approx(200 / 3)


def test_no_session_held_yet_gives_no_rate_and_no_error(course):
    student = enrolled(course)
    ClassSessionFactory(course=course, starts_at=NOW + timedelta(days=2))
    row = rate_of(student)
    assert (row.held, row.rate) == (0, None)


def test_pending_check_ins_do_not_count_as_attended(course):
    sessions, student = past_sessions(course, 2), enrolled(course)
    mark(student, sessions, Status.PRESENT, Status.PENDING)
    row = rate_of(student)
    assert (row.pending, row.rate) == (1, 50.0)


def test_at_risk_is_below_the_threshold():
    assert reports.is_at_risk(reports.Tally(present=749, absent=251), 75)
    assert not reports.is_at_risk(reports.Tally(present=3, absent=1), 75)
    assert not reports.is_at_risk(reports.Tally(excused=2), 75)


def test_tallies_add_up():
    total = reports.Tally(present=1, absent=1, excused=1, pending=1) + reports.Tally(late=1)
    assert (total.held, total.attended, total.counted, round(total.rate, 1)) == (5, 2, 4, 50.0)


def test_a_session_in_progress_does_not_count_yet(course):
    student = enrolled(course)
    ClassSessionFactory(course=course, starts_at=NOW - timedelta(minutes=30))
    assert rate_of(student).held == 0


def week_of(session):
    local = timezone.localtime(session.starts_at).date()
    return local - timedelta(days=local.weekday())


def test_the_register_summaries_and_weekly_rates_follow_the_same_formula(course):
    monday = timezone.localdate(NOW) - timedelta(days=timezone.localdate(NOW).weekday() + 14)
    zone = timezone.get_current_timezone()
    sessions = [
        ClassSessionFactory(
            course=course,
            starts_at=timezone.make_aware(timezone.datetime.combine(monday + timedelta(days=d), time(9)), zone),
            state=SessionState.CLOSED,
        )
        for d in (0, 1)
    ]
    first, second = enrolled(course), enrolled(course)
    mark(first, sessions, Status.PRESENT, Status.LATE)
    mark(second, sessions, Status.EXCUSED, Status.ABSENT)
    rows, summaries = reports.course_report(course, now=NOW)
    assert {row.student_id: row.tally.rate for row in rows} == {first.student_id: 100.0, second.student_id: 0.0}
    assert [(s["tally"].attended, s["tally"].rate) for s in summaries] == [(1, 100.0), (1, 50.0)]
    rates = {row.student_id: row.tally.rate for row in reports.course_rates(course, now=NOW)}
    assert rates == {first.student_id: 100.0, second.student_id: 0.0}
    weekly = reports.weekly_rates((s["session"], s["tally"]) for s in summaries)
    assert weekly == [(week_of(sessions[0]), 66.7)]
    assert reports.weekly_trend(first_institution(), now=NOW) == [(week_of(sessions[0]), 66.7)]


def test_the_register_and_the_summaries_tell_no_record_from_not_yet_enrolled(course):
    sessions = past_sessions(course, 3, first_days_ago=30)
    early, late_joiner = enrolled(course), enrolled(course, days_ago=29)  # after the first session
    mark(early, sessions, Status.PRESENT, Status.PENDING, Status.ABSENT)
    mark(late_joiner, sessions[2:], Status.PRESENT)  # no record of the second session
    held, _students, rows = reports.register(course, now=NOW)
    assert held == sessions
    assert rows[early.student_id] == [Status.PRESENT, Status.PENDING, Status.ABSENT]
    assert rows[late_joiner.student_id] == [reports.NOT_ENROLLED, None, Status.PRESENT]
    _rows, summaries = reports.course_report(course, now=NOW)
    by_name = sorted([early.student, late_joiner.student], key=lambda student: (student.last_name, student.first_name))
    names = [student.get_full_name() for student in by_name]
    assert [s["missing"] for s in summaries] == [[], names, [early.student.get_full_name()]]
    assert [(s["tally"].held, s["tally"].absent, s["tally"].pending) for s in summaries] == [
        (1, 0, 0),
        (2, 1, 1),
        (2, 1, 0),
    ]


def test_the_institution_trend_counts_a_missing_record_as_absent_and_ignores_the_unenrolled(course):
    [session] = past_sessions(course, 1, first_days_ago=3)
    came, missing = enrolled(course), enrolled(course)
    mark(came, [session], Status.PRESENT)
    left = enrolled(course)
    mark(left, [session], Status.PRESENT)
    left.active = False
    left.save()
    assert rate_of(missing).absent == 1
    assert reports.weekly_trend(first_institution(), now=NOW) == [(week_of(session), 50.0)]


def test_a_session_nobody_took_attendance_for_makes_nobody_absent(course):
    student = enrolled(course)
    ClassSessionFactory(course=course, starts_at=NOW - timedelta(days=2))  # never opened, no record
    assert rate_of(student).held == 0


def test_roll_call_alone_makes_a_session_count(course):
    student = enrolled(course)
    session = ClassSessionFactory(course=course, starts_at=NOW - timedelta(days=2))
    mark(student, [session], Status.LATE)
    row = rate_of(student)
    assert (row.held, row.late, row.rate) == (1, 1, 100.0)
