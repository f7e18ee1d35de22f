"""Django admin writes courses, sessions and enrolments through the services, with their rules."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import AdminFactory, StudentFactory, TeacherFactory
from attendance.tests.factories import AttendanceRecordFactory
from courses.models import ClassSession, Course, Enrollment
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(AdminFactory())
    return client


def course_form(course, **changes):
    """The POST of the course's admin page, with no inline row changed."""
    data = {
        "code": course.code,
        "title": course.title,
        "description": "",
        "teachers": [t.pk for t in course.teachers.all()],
        "code_minutes": 10,
        "risk_threshold": 75,
        "checkout_minutes": 10,
        "early_leave_counts_as": "late",
        "late_after_minutes": 10,
        "enrollments-TOTAL_FORMS": 0,
        "enrollments-INITIAL_FORMS": 0,
        "sessions-TOTAL_FORMS": 0,
        "sessions-INITIAL_FORMS": 0,
    }
    return data | changes


def test_a_course_saved_in_admin_gets_the_services_upper_case_code(admin_client):
    course = CourseFactory(teachers=[TeacherFactory()])
    response = admin_client.post(
        reverse("admin:courses_course_change", args=[course.pk]), course_form(course, code=" phys9 ")
    )
    assert response.status_code == 302
    assert Course.objects.get(pk=course.pk).code == "PHYS9"


def test_a_session_added_inline_is_checked_by_the_model(admin_client):
    course = CourseFactory()
    start = timezone.localtime() + timedelta(days=1)
    inline = {
        "sessions-TOTAL_FORMS": 1,
        "sessions-0-starts_at_0": start.strftime("%Y-%m-%d"),
        "sessions-0-starts_at_1": "10:00",
        "sessions-0-ends_at_0": start.strftime("%Y-%m-%d"),
        "sessions-0-ends_at_1": "09:00",
        "sessions-0-late_after_minutes": 10,
        "sessions-0-course": course.pk,
    }
    response = admin_client.post(
        reverse("admin:courses_course_change", args=[course.pk]), course_form(course, **inline)
    )
    assert "A session must end after it starts." in response.text
    assert not ClassSession.objects.filter(course=course).exists()


def test_deleting_a_session_with_records_inline_is_refused(admin_client):
    session = ClassSessionFactory()
    AttendanceRecordFactory(session=session)
    inline = {
        "sessions-TOTAL_FORMS": 1,
        "sessions-INITIAL_FORMS": 1,
        "sessions-0-id": session.pk,
        "sessions-0-course": session.course.pk,
        "sessions-0-starts_at_0": timezone.localtime(session.starts_at).strftime("%Y-%m-%d"),
        "sessions-0-starts_at_1": timezone.localtime(session.starts_at).strftime("%H:%M"),
        "sessions-0-ends_at_0": timezone.localtime(session.ends_at).strftime("%Y-%m-%d"),
        "sessions-0-ends_at_1": timezone.localtime(session.ends_at).strftime("%H:%M"),
        "sessions-0-late_after_minutes": 10,
        "sessions-0-DELETE": "on",
    }
    url = reverse("admin:courses_course_change", args=[session.course.pk])
    response = admin_client.post(url, course_form(session.course, **inline), follow=True)
    assert "protected related objects" in response.text
    assert ClassSession.objects.filter(pk=session.pk).exists()


def test_an_enrolment_of_someone_who_is_not_a_student_is_refused(admin_client):
    course, teacher = CourseFactory(), TeacherFactory()
    response = admin_client.post(
        reverse("admin:courses_enrollment_add"),
        {"student": teacher.pk, "course": course.pk, "active": "on", "enrolled_on": "2026-09-01"},
    )
    assert response.status_code == 200
    assert not Enrollment.objects.filter(course=course).exists()
    admin_client.post(
        reverse("admin:courses_enrollment_add"),
        {"student": StudentFactory().pk, "course": course.pk, "active": "on", "enrolled_on": "2026-09-01"},
    )
    assert Enrollment.objects.filter(course=course).count() == 1


def test_records_and_notifications_are_read_only_in_admin(admin_client):
    record = AttendanceRecordFactory()
    assert admin_client.get(reverse("admin:attendance_attendancerecord_add")).status_code == 403
    response = admin_client.post(reverse("admin:attendance_attendancerecord_change", args=[record.pk]), {})
    assert response.status_code == 403
    assert admin_client.get(reverse("admin:notifications_notification_add")).status_code == 403


class TestRemovalInAdminEndsSockets:
    def test_a_teacher_taken_off_the_course_in_admin_loses_their_sockets(self, admin_client, closed_sockets):
        kept, removed = TeacherFactory(), TeacherFactory()
        course = CourseFactory(teachers=[kept, removed])
        response = admin_client.post(
            reverse("admin:courses_course_change", args=[course.pk]), course_form(course, teachers=[kept.pk])
        )
        assert response.status_code == 302
        assert list(course.teachers.all()) == [kept]
        assert closed_sockets == [removed.pk]

    def test_a_teacher_added_in_admin_teaches_the_course(self, admin_client, closed_sockets):
        course = CourseFactory(teachers=[TeacherFactory()])
        added = TeacherFactory()
        teachers = [*course.teachers.all(), added]
        admin_client.post(
            reverse("admin:courses_course_change", args=[course.pk]),
            course_form(course, teachers=[t.pk for t in teachers]),
        )
        assert set(course.teachers.all()) == set(teachers)
        assert closed_sockets == []

    def test_an_enrolment_deleted_inline_closes_the_students_sockets(self, admin_client, closed_sockets):
        enrollment = EnrollmentFactory(course=CourseFactory(teachers=[TeacherFactory()]))
        inline = {
            "enrollments-TOTAL_FORMS": 1,
            "enrollments-INITIAL_FORMS": 1,
            "enrollments-0-id": enrollment.pk,
            "enrollments-0-course": enrollment.course.pk,
            "enrollments-0-student": enrollment.student.pk,
            "enrollments-0-active": "on",
            "enrollments-0-enrolled_on": enrollment.enrolled_on,
            "enrollments-0-DELETE": "on",
        }
        course = enrollment.course
        response = admin_client.post(
            reverse("admin:courses_course_change", args=[course.pk]), course_form(course, **inline)
        )
        assert response.status_code == 302
        assert not Enrollment.objects.filter(pk=enrollment.pk).exists()
        assert closed_sockets == [enrollment.student.pk]

    def test_an_enrolment_made_inactive_or_deleted_on_its_own_page_closes_the_students_sockets(
        self, admin_client, closed_sockets
    ):
        first, second = EnrollmentFactory(), EnrollmentFactory()
        response = admin_client.post(
            reverse("admin:courses_enrollment_change", args=[first.pk]),
            {"course": first.course.pk, "student": first.student.pk, "enrolled_on": first.enrolled_on},
        )
        assert response.status_code == 302
        admin_client.post(reverse("admin:courses_enrollment_delete", args=[second.pk]), {"post": "yes"})
        assert closed_sockets == [first.student.pk, second.student.pk]
