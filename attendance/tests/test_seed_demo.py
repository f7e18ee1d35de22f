from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, F, Q

from accounts.models import Institution, ParentLink, Role, User
from attendance import services
from attendance.models import AttendanceRecord, Status, StatusChange
from courses.models import ClassSession, Course, Enrollment

pytestmark = pytest.mark.django_db


def counts():
    return {
        "users": User.objects.count(),
        "students": User.objects.filter(role=Role.STUDENT).count(),
        "courses": Course.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "sessions": ClassSession.objects.count(),
        "parent_links": ParentLink.objects.count(),
        "records": AttendanceRecord.objects.count(),
        "history": StatusChange.objects.count(),
    }


def test_running_it_twice_gives_the_same_counts():
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first


def test_it_builds_the_documented_institutions():
    call_command("seed_demo")
    first, second = Institution.objects.order_by("pk")
    assert first.users.count() == 65
    assert first.users.filter(role=Role.STUDENT).count() == 60
    assert first.courses.count() == 4
    for course in first.courses.all():
        assert 15 <= course.enrollments.count() <= 30
    assert (second.short_name, second.time_zone) == ("ESCOLA", "America/Sao_Paulo")
    assert second.users.count() == 13
    assert second.courses.count() == 2
    # Everyone of a course, and every parent's child, is of the course's (the parent's) institution.
    assert not Enrollment.objects.exclude(student__institution=F("course__institution")).exists()
    assert not ParentLink.objects.exclude(child__institution=F("parent__institution")).exists()
    escola_admin = User.objects.get(email="escola.admin@demo.school")
    assert escola_admin.is_admin and escola_admin.is_staff and not escola_admin.is_superuser
    assert User.objects.get(email="student60@demo.school").check_password("demo-pass-2026")
    assert User.objects.get(email="admin@demo.school").is_superuser
    # A child with two parents, a parent with two children.
    assert User.objects.get(email="student2@demo.school").parents.count() == 2
    assert User.objects.get(email="parent1@demo.school").children.count() == 2


def test_reset_rebuilds_it_from_scratch():
    call_command("seed_demo")
    first = counts()
    Course.objects.filter(code="MATH101", institution__short_name="MAIN").update(title="Renamed")
    call_command("seed_demo")
    assert Course.objects.get(code="MATH101", institution__short_name="MAIN").title == "Renamed"
    call_command("seed_demo", reset=True)
    assert Course.objects.get(code="MATH101", institution__short_name="MAIN").title == "Calculus I"
    assert counts() == first


def test_it_adds_realistic_history_with_students_at_risk():
    call_command("seed_demo")
    statuses = dict(AttendanceRecord.objects.values_list("status").annotate(n=Count("pk")))
    assert statuses[Status.PRESENT] > statuses[Status.LATE] + statuses[Status.ABSENT] + statuses[Status.EXCUSED]
    assert all(statuses[s] > 0 for s in (Status.LATE, Status.ABSENT, Status.EXCUSED))
    rates = AttendanceRecord.objects.values("student", "session__course").annotate(
        held=Count("pk"), attended=Count("pk", filter=Q(status__in=[Status.PRESENT, Status.LATE]))
    )
    below = {row["student"] for row in rates if row["attended"] / row["held"] < 0.75}
    assert len(below) >= 3


@pytest.mark.parametrize("minute", [0, 4, 57])
def test_a_check_in_right_after_seeding_is_on_time(minute):
    # A Wednesday afternoon, when no weekly MATH101 session runs.
    with time_machine.travel(datetime(2026, 11, 25, 14, minute, 30, tzinfo=ZoneInfo("Europe/Paris")), tick=False):
        call_command("seed_demo")
        session = ClassSession.objects.get(
            course__code="MATH101", course__institution__short_name="MAIN", starts_at__day=25, starts_at__month=11
        )
        assert session.starts_at.astimezone(ZoneInfo("Europe/Paris")).minute == minute - minute % 5
        teacher = User.objects.get(email="teacher1@demo.school")
        student = User.objects.get(email="student1@demo.school")
        code = services.session_open(session=session, by=teacher)
        record = services.code_submit(student=student, typed=code.code)
    assert not record.is_late


def test_running_it_again_later_keeps_the_session_running_now():
    with time_machine.travel(datetime(2026, 11, 25, 14, 57, tzinfo=ZoneInfo("Europe/Paris")), tick=False):
        call_command("seed_demo")
    with time_machine.travel(datetime(2026, 11, 25, 15, 40, tzinfo=ZoneInfo("Europe/Paris")), tick=False):
        call_command("seed_demo")
    assert (
        ClassSession.objects.filter(
            course__code="MATH101", course__institution__short_name="MAIN", starts_at__day=25, starts_at__month=11
        ).count()
        == 1
    )
