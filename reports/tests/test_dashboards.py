from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.tests.factories import ClassSessionFactory

pytestmark = pytest.mark.django_db


def dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def test_a_teacher_sees_their_courses_and_todays_sessions(client, cast):
    now = timezone.localtime()
    today = ClassSessionFactory(course=cast.course, starts_at=now.replace(hour=23, minute=0), room="TODAY-ROOM")
    today.ends_at = today.starts_at + timedelta(minutes=30)
    today.save()
    response = dashboard(client, cast.teacher)
    assert cast.course.code in response.text
    assert cast.other_course.code not in response.text
    assert "TODAY-ROOM" in response.text
    assert list(response.context["today"]) == [today]


def test_a_student_sees_their_courses_and_upcoming_sessions(client, cast):
    response = dashboard(client, cast.student)
    assert cast.course.title in response.text
    assert cast.other_course.title not in response.text
    assert list(response.context["upcoming"]) == [cast.session]


def test_a_parent_sees_their_children_only(client, cast):
    response = dashboard(client, cast.parent)
    assert cast.student.get_full_name() in response.text
    assert cast.other_student.get_full_name() not in response.text
    assert reverse("reports:child_detail", args=[cast.student.pk]) in response.text


def test_an_admin_sees_counts_and_the_way_into_django_admin(client, cast):
    response = dashboard(client, cast.admin)
    assert response.context["role_counts"]["student"] == 2
    assert response.context["course_count"] == 2
    assert reverse("admin:index") in response.text


def test_a_parent_sees_a_childs_courses_and_sessions(client, cast):
    client.force_login(cast.parent)
    response = client.get(reverse("reports:child_detail", args=[cast.student.pk]))
    assert cast.course.title in response.text
    assert list(response.context["upcoming"]) == [cast.session]


def test_an_empty_dashboard_says_what_to_do_next(client, db):
    from accounts.tests.factories import StudentFactory, TeacherFactory

    assert "Your teacher enrolls you" in dashboard(client, StudentFactory()).text
    assert "create one, then add its sessions and students" in dashboard(client, TeacherFactory()).text


@pytest.mark.parametrize("role", ["teacher", "student", "parent", "admin"])
def test_dashboards_make_a_fixed_number_of_queries(client, cast, role, django_assert_max_num_queries):
    for _ in range(20):
        ClassSessionFactory(course=cast.course)
    client.force_login(cast.by_role(role))
    with django_assert_max_num_queries(12):
        client.get(reverse("home"))


def test_the_admin_sees_live_counts_lowest_courses_and_students_at_risk(client, cast):
    from attendance.models import AttendanceRecord, Status

    cast.course.enrollments.update(enrolled_on=timezone.localdate() - timedelta(days=30))
    past = ClassSessionFactory(course=cast.course, starts_at=timezone.now() - timedelta(days=2))
    AttendanceRecord.objects.create(session=past, student=cast.student, status=Status.ABSENT)
    response = dashboard(client, cast.admin)
    assert response.context["at_risk_count"] == 1
    assert response.context["lowest"][0]["course"] == cast.course
    assert response.context["lowest"][0]["tally"].rate == 0.0
    assert reverse("reports:course_report", args=[cast.course.pk]) in response.text


def test_the_admin_polls_todays_sessions_for_live_counts(client, cast):
    client.force_login(cast.admin)
    response = client.get(reverse("home"), {"fragment": "today"}, headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<ul class="list-group" id="today-sessions"')
    assert 'hx-trigger="every 30s"' in response.text
