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


def held_session(course, days_ago=2):
    from courses.models import SessionState

    return ClassSessionFactory(
        course=course, starts_at=timezone.now() - timedelta(days=days_ago), state=SessionState.CLOSED
    )


def attended(student, session, status):
    from attendance.models import AttendanceRecord

    AttendanceRecord.objects.update_or_create(session=session, student=student, defaults={"status": status})


def enrolled_a_month_ago(course, student):
    from courses.tests.factories import EnrollmentFactory

    return EnrollmentFactory(course=course, student=student, enrolled_on=timezone.localdate() - timedelta(days=30))


def test_a_parent_sees_each_childs_rate_in_each_course_and_which_is_at_risk(client, cast):
    from attendance.models import Status
    from courses.tests.factories import CourseFactory

    cast.course.enrollments.update(enrolled_on=timezone.localdate() - timedelta(days=30))
    attended(cast.student, held_session(cast.course), Status.ABSENT)
    good = CourseFactory(code="GOOD1")
    enrolled_a_month_ago(good, cast.student)
    attended(cast.student, held_session(good), Status.PRESENT)
    response = dashboard(client, cast.parent)
    [child] = response.context["children"]
    assert [(row.course, row.tally.rate, row.at_risk) for row in child.rates] == sorted(
        [(cast.course, 0.0, True), (good, 100.0, False)], key=lambda r: r[0].code
    )
    assert response.text.count("at risk: below 75 %") == 1
    for course in (cast.course, good):
        assert reverse("reports:student_report", args=[course.pk, cast.student.pk]) in response.text
    assert reverse("reports:student_report", args=[cast.other_course.pk, cast.other_student.pk]) not in response.text
    # The next session links to the child's report in its course too, not to the course page.
    assert f'href="{reverse("courses:course_detail", args=[cast.course.pk])}"' not in response.text


def test_the_parent_dashboard_makes_no_more_queries_for_more_children_and_courses(
    client, cast, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import ParentLink
    from accounts.tests.factories import StudentFactory
    from attendance.models import Status
    from courses.tests.factories import CourseFactory

    client.force_login(cast.parent)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    for _ in range(3):
        child = StudentFactory()
        ParentLink.objects.create(parent=cast.parent, child=child)
        for _ in range(3):
            course = CourseFactory()
            enrolled_a_month_ago(course, child)
            attended(child, held_session(course), Status.LATE)
            ClassSessionFactory(course=course)
    with django_assert_max_num_queries(len(small)):
        response = client.get(reverse("home"))
    assert len(response.context["children"]) == 4
    assert all(len(child.upcoming) <= 3 for child in response.context["children"])
    assert sum(len(child.rates) for child in response.context["children"]) == 10


def test_a_parents_child_page_leads_to_the_childs_report_in_each_course(client, cast):
    client.force_login(cast.parent)
    response = client.get(reverse("reports:child_detail", args=[cast.student.pk]))
    report = reverse("reports:student_report", args=[cast.course.pk, cast.student.pk])
    assert response.text.count(f'href="{report}"') == 2  # the course, and its next session
    assert f'href="{reverse("courses:course_detail", args=[cast.course.pk])}"' not in response.text
    assert cast.teacher.get_full_name() in response.text


def test_a_parent_never_sees_another_familys_child(client, cast):
    client.force_login(cast.other_parent)
    assert client.get(reverse("reports:child_detail", args=[cast.student.pk])).status_code == 404
    url = reverse("reports:student_report", args=[cast.course.pk, cast.student.pk])
    assert client.get(url).status_code == 404
    assert cast.student.get_full_name() not in dashboard(client, cast.other_parent).text


def test_the_admin_dashboard_names_the_students_at_risk_lowest_rate_first(client, cast):
    from accounts.tests.factories import StudentFactory
    from attendance.models import Status

    session = held_session(cast.course)
    cast.course.enrollments.update(enrolled_on=timezone.localdate() - timedelta(days=30))
    attended(cast.student, session, Status.ABSENT)
    second = held_session(cast.course, days_ago=3)
    students = [StudentFactory() for _ in range(6)]
    for student in students:
        enrolled_a_month_ago(cast.course, student)
        attended(student, session, Status.PRESENT)
        attended(student, second, Status.ABSENT)  # 50 %
    attended(cast.student, second, Status.ABSENT)  # 0 %
    response = dashboard(client, cast.admin)
    assert response.context["at_risk_count"] == 7
    shown = response.context["at_risk"]
    assert len(shown) == 5 and shown[0].student == cast.student
    assert reverse("reports:student_report", args=[cast.course.pk, cast.student.pk]) in response.text
    assert "Show all 7" in response.text and reverse("reports:at_risk") in response.text


def test_the_at_risk_page_lists_every_student_at_risk_for_administrators_only(client, cast):
    from attendance.models import Status

    cast.course.enrollments.update(enrolled_on=timezone.localdate() - timedelta(days=30))
    attended(cast.student, held_session(cast.course), Status.ABSENT)
    client.force_login(cast.admin)
    response = client.get(reverse("reports:at_risk"))
    assert [(row.student, row.course, row.tally.rate) for row in response.context["rows"]] == [
        (cast.student, cast.course, 0.0)
    ]
    assert reverse("reports:student_report", args=[cast.course.pk, cast.student.pk]) in response.text
    client.force_login(cast.teacher)
    assert client.get(reverse("reports:at_risk")).status_code == 404
