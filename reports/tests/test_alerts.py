from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from attendance.models import AttendanceRecord, Status
from courses.tests.factories import ClassSessionFactory
from notifications.models import Kind, Notification
from reports.models import AttendanceAlert
from reports.services import send_attendance_alerts

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_risk(cast):
    """The cast's student attended 1 of 4 past sessions (25 %); the other student is not in this course."""
    cast.course.enrollments.update(enrolled_on=timezone.localdate() - timedelta(days=60))
    now = timezone.now()
    for index, status in enumerate([Status.PRESENT, Status.ABSENT, Status.ABSENT, Status.ABSENT]):
        session = ClassSessionFactory(course=cast.course, starts_at=now - timedelta(days=index + 1))
        AttendanceRecord.objects.create(session=session, student=cast.student, status=status)
    return cast


def test_the_student_parents_and_teachers_are_alerted_once(at_risk):
    call_command("send_attendance_alerts")
    told = list(Notification.objects.filter(kind=Kind.LOW_ATTENDANCE).values_list("user", flat=True))
    assert sorted(told) == sorted([at_risk.student.pk, at_risk.parent.pk, at_risk.teacher.pk])
    call_command("send_attendance_alerts")
    assert Notification.objects.filter(kind=Kind.LOW_ATTENDANCE).count() == 3
    assert AttendanceAlert.objects.get().rate == 25.0


def test_a_week_later_they_are_alerted_again(at_risk):
    send_attendance_alerts()
    assert send_attendance_alerts(now=timezone.now() + timedelta(days=6)) == []
    assert len(send_attendance_alerts(now=timezone.now() + timedelta(days=7, minutes=1))) == 1


def test_nobody_above_the_threshold_is_alerted(at_risk):
    at_risk.course.risk_threshold = 20
    at_risk.course.save()
    assert send_attendance_alerts() == []
