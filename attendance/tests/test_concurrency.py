"""Submissions by one student at the same instant: two give one record (the database decides, not a check), and
of many wrong codes at once only MAX_WRONG_CODES are compared (their tries are taken atomically before)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from attendance import services
from attendance.models import AttendanceRecord, CodeLockout
from attendance.selectors import MAX_WRONG_CODES
from attendance_system.errors import DomainError
from courses.tests.factories import ClassSessionFactory, EnrollmentFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="runs in the PostgreSQL pass, where writes really race"
    ),
]


def at_once(student, codes):
    """Submit each of `codes` for `student` from a thread of its own, all released at the same instant; the
    outcomes, in the order of `codes`."""
    barrier = threading.Barrier(len(codes))
    outcomes = [None] * len(codes)

    def submit(index, typed):
        barrier.wait()
        try:
            services.code_submit(student=student, typed=typed)
            outcomes[index] = "recorded"
        except DomainError as error:
            outcomes[index] = error.message
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=item) for item in enumerate(codes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def open_session():
    enrollment = EnrollmentFactory()
    now = timezone.now()
    session = ClassSessionFactory(course=enrollment.course, starts_at=now, ends_at=now + timedelta(hours=1))
    return enrollment.student, session, services.session_open(session=session, by=None)


def test_two_concurrent_submissions_by_one_student_give_one_record(open_session):
    student, session, code = open_session
    outcomes = at_once(student, [code.code, code.code])
    assert sorted(outcomes) == ["You have already checked in (Pending).", "recorded"]
    assert AttendanceRecord.objects.filter(session=session, student=student).count() == 1


def test_of_twenty_wrong_codes_at_once_five_are_compared(open_session, settings):
    settings.CHECKIN_RATE_PER_STUDENT = 100
    student, session, _code = open_session
    outcomes = at_once(student, ["ZZZZZZ"] * 20)
    assert sum("attempt" in outcome for outcome in outcomes) == MAX_WRONG_CODES - 1
    assert outcomes.count(str(services.LOCKED_MESSAGE)) == 20 - (MAX_WRONG_CODES - 1)
    assert CodeLockout.objects.get(session=session, student=student).failures == MAX_WRONG_CODES


def test_the_right_code_among_wrong_ones_at_once_counts_only_within_the_tries(open_session, settings):
    settings.CHECKIN_RATE_PER_STUDENT = 100
    student, session, code = open_session
    outcomes = at_once(student, ["ZZZZZZ"] * 15 + [code.code] + ["ZZZZZZ"] * 4)
    wrong = CodeLockout.objects.filter(session=session, student=student).values_list("failures", flat=True)
    compared_wrong = sum("attempt" in outcome for outcome in outcomes) + (max(wrong, default=0) == MAX_WRONG_CODES)
    assert max(wrong, default=0) == compared_wrong <= MAX_WRONG_CODES
    # A right code gives its try back, so a wrong one may take it after it: five wrong codes at most, recorded
    # or not; a right code that came too late is refused unseen (test_services tells that case apart).
    recorded = AttendanceRecord.objects.filter(session=session, student=student).exists()
    assert recorded == (outcomes[15] == "recorded")
