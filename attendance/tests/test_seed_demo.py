import pytest
from django.core.management import call_command

from accounts.models import ParentLink, Role, User
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
    }


def test_running_it_twice_gives_the_same_counts():
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first


def test_it_builds_the_documented_institution():
    call_command("seed_demo")
    assert counts()["users"] == 65
    assert counts()["students"] == 60
    assert counts()["courses"] == 4
    for course in Course.objects.all():
        assert 15 <= course.enrollments.count() <= 30
    assert User.objects.get(email="student60@demo.school").check_password("demo-pass-2026")
    assert User.objects.get(email="admin@demo.school").is_superuser
    # A child with two parents, a parent with two children.
    assert User.objects.get(email="student2@demo.school").parents.count() == 2
    assert User.objects.get(email="parent1@demo.school").children.count() == 2


def test_reset_rebuilds_it_from_scratch():
    call_command("seed_demo")
    Course.objects.get(code="MATH101").sessions.all().delete()
    call_command("seed_demo", reset=True)
    assert Course.objects.get(code="MATH101").sessions.count() > 0
