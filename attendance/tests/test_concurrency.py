"""Two submissions by one student at the same instant give one record: the database decides, not a check."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from attendance import services
from attendance.models import AttendanceRecord
from attendance_system.errors import DomainError
from courses.tests.factories import ClassSessionFactory, EnrollmentFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="runs in the PostgreSQL pass, where writes really race"
    ),
]


def test_two_concurrent_submissions_by_one_student_give_one_record():
    enrollment = EnrollmentFactory()
    now = timezone.now()
    session = ClassSessionFactory(course=enrollment.course, starts_at=now, ends_at=now + timedelta(hours=1))
    code = services.session_open(session=session, by=None)
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        barrier.wait()
        try:
            services.code_submit(student=enrollment.student, typed=code.code)
            outcomes.append("recorded")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["You have already checked in (Pending).", "recorded"]
    assert AttendanceRecord.objects.filter(session=session, student=enrollment.student).count() == 1
