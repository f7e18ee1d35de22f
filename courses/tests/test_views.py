import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import StudentFactory
from courses.models import ClassSession, Course
from courses.tests.factories import ClassSessionFactory, CourseFactory

pytestmark = pytest.mark.django_db

# The course form's check-out settings, as the page posts them by default.
CHECKOUT = {"checkout_minutes": 10, "early_leave_counts_as": "late"}


@pytest.fixture
def teacher_client(client, cast):
    client.force_login(cast.teacher)
    return client


class TestCourseCreate:
    def test_a_teacher_creates_a_course_and_lands_on_it(self, teacher_client, cast):
        response = teacher_client.post(
            reverse("courses:course_create"),
            {"code": "bio1", "title": "Biology", "code_minutes": 10, "risk_threshold": 75, **CHECKOUT},
        )
        course = Course.objects.get(code="BIO1")
        assert response.url == reverse("courses:course_detail", args=[course.pk])
        assert cast.teacher in course.teachers.all()

    def test_a_duplicate_code_shows_a_field_error(self, teacher_client, cast):
        response = teacher_client.post(
            reverse("courses:course_create"),
            {"code": cast.course.code.lower(), "title": "Copy", "code_minutes": 10, "risk_threshold": 75, **CHECKOUT},
        )
        assert response.status_code == 200
        assert "Another course of the institution has this code." in response.text
        assert Course.objects.filter(code=cast.course.code).count() == 1

    def test_a_student_may_not_create_courses(self, client, cast):
        client.force_login(cast.student)
        assert client.post(reverse("courses:course_create"), {"code": "X", "title": "X"}).status_code == 403
        assert not Course.objects.filter(code="X").exists()


class TestCourseManagement:
    def test_another_teacher_cannot_edit_the_course(self, client, cast):
        client.force_login(cast.other_teacher)
        response = client.post(reverse("courses:course_edit", args=[cast.course.pk]), {"code": "HACK", "title": "x"})
        assert response.status_code == 404
        cast.course.refresh_from_db()
        assert cast.course.code != "HACK"

    def test_the_course_settings_are_saved_and_checked(self, teacher_client, cast):
        url = reverse("courses:course_edit", args=[cast.course.pk])
        data = {"code": "ok1", "title": "T", "code_minutes": 61, "rotate_seconds": 5, "risk_threshold": 75, **CHECKOUT}
        response = teacher_client.post(url, data)
        assert "less than or equal to 60" in response.text
        assert "greater than or equal to 10" in response.text
        teacher_client.post(url, {**data, "code_minutes": 5, "rotate_seconds": 30, "auto_validate": "on"})
        cast.course.refresh_from_db()
        assert (cast.course.code_minutes, cast.course.rotate_seconds, cast.course.auto_validate) == (5, 30, True)

    def test_archiving_hides_the_course_from_the_current_list(self, teacher_client, cast):
        teacher_client.post(reverse("courses:course_archive", args=[cast.course.pk]), {"archived": "1"})
        cast.course.refresh_from_db()
        assert cast.course.archived
        assert cast.course.code not in teacher_client.get(reverse("courses:course_list")).text
        assert cast.course.code in teacher_client.get(reverse("courses:course_list"), {"archived": "1"}).text

    def test_deleting_a_course_with_attendance_is_refused_with_the_reason(self, teacher_client, cast):
        assert cast.session.records.exists()
        response = teacher_client.post(reverse("courses:course_delete", args=[cast.course.pk]), follow=True)
        assert "has attendance, grades or behaviour records, so it cannot be deleted; archive it" in response.text
        assert Course.objects.filter(pk=cast.course.pk).exists()

    def test_deleting_a_course_without_attendance_works(self, teacher_client, cast):
        course = CourseFactory(teachers=[cast.teacher])
        ClassSessionFactory(course=course)
        response = teacher_client.post(reverse("courses:course_delete", args=[course.pk]))
        assert response.url == reverse("courses:course_list")
        assert not Course.objects.filter(pk=course.pk).exists()


class TestSessions:
    def test_a_session_ending_before_it_starts_shows_a_field_error(self, teacher_client, cast):
        data = {"starts_at": "2026-12-01T10:00", "ends_at": "2026-12-01T09:00", "room": "", "late_after_minutes": 10}
        response = teacher_client.post(reverse("courses:session_create", args=[cast.course.pk]), data)
        assert response.status_code == 200
        assert "A session must end after it starts." in response.text
        assert cast.course.sessions.count() == 1

    def test_a_weekly_series_adds_the_sessions(self, teacher_client, cast):
        data = {
            "weekdays": ["1", "3"],
            "start_time": "08:00",
            "end_time": "09:00",
            "first_date": "2026-12-01",
            "last_date": "2026-12-14",
            "room": "B2",
            "late_after_minutes": "5",
        }
        response = teacher_client.post(reverse("courses:session_series", args=[cast.course.pk]), data, follow=True)
        assert "4 sessions added." in response.text
        assert cast.course.sessions.filter(room="B2", late_after_minutes=5).count() == 4

    def test_editing_a_session_saves_it(self, teacher_client, cast):
        data = {"starts_at": "2026-12-01T10:00", "ends_at": "2026-12-01T11:00", "room": "Z9", "late_after_minutes": 3}
        teacher_client.post(reverse("courses:session_edit", args=[cast.session.pk]), data)
        cast.session.refresh_from_db()
        assert cast.session.room == "Z9"

    def test_deleting_a_session_with_attendance_is_refused_with_the_reason(self, teacher_client, cast):
        assert cast.session.records.exists()
        response = teacher_client.post(reverse("courses:session_delete", args=[cast.session.pk]), follow=True)
        assert "cancel it instead" in response.text
        assert ClassSession.objects.filter(pk=cast.session.pk).exists()


class TestRoster:
    def test_enrolling_an_unknown_email_shows_why(self, teacher_client, cast):
        response = teacher_client.post(reverse("courses:roster", args=[cast.course.pk]), {"identifier": "x@nowhere"})
        assert "No student has the email or student number" in response.text
        assert cast.course.enrollments.count() == 1

    def test_enrolling_someone_who_is_not_a_student_answers_as_for_no_one(self, teacher_client, cast):
        response = teacher_client.post(
            reverse("courses:roster", args=[cast.course.pk]), {"identifier": cast.parent.email}
        )
        assert f"No student has the email or student number “{cast.parent.email}”." in response.text
        assert cast.parent.get_full_name() not in response.text
        assert cast.course.enrollments.count() == 1

    def test_enrolling_by_student_number_adds_them(self, teacher_client, cast):
        teacher_client.post(
            reverse("courses:roster", args=[cast.course.pk]), {"identifier": cast.other_student.student_number}
        )
        assert cast.other_student in cast.course.students.all()

    def test_an_uploaded_csv_with_a_bad_line_imports_nothing_and_lists_the_line(self, teacher_client, cast):
        good = StudentFactory()
        upload = SimpleUploadedFile("roster.csv", f"email\n{good.email}\nghost@nowhere\n".encode())
        response = teacher_client.post(reverse("courses:roster_import", args=[cast.course.pk]), {"upload": upload})
        assert "Nothing was imported" in response.text
        assert "Line 3: No student has the email or student number “ghost@nowhere”." in response.text
        assert good not in cast.course.students.all()

    def test_the_file_input_tells_the_page_the_import_limit(self, teacher_client, cast):
        response = teacher_client.get(reverse("courses:roster_import", args=[cast.course.pk]))
        assert 'data-max-bytes="2097152" data-too-large-text="The file is larger than 2 MB."' in response.text

    def test_a_pasted_list_enrolls_everyone(self, teacher_client, cast):
        new = StudentFactory.create_batch(3)
        text = "\n".join(s.email for s in new)
        response = teacher_client.post(reverse("courses:roster_import", args=[cast.course.pk]), {"text": text})
        assert response.url == reverse("courses:roster", args=[cast.course.pk])
        assert cast.course.students.filter(enrollments__active=True).count() == 4

    def test_an_empty_import_form_says_what_to_do(self, teacher_client, cast):
        response = teacher_client.post(reverse("courses:roster_import", args=[cast.course.pk]), {"text": " "})
        assert "Paste some lines or choose a file." in response.text

    def test_removing_a_student_takes_them_off_the_roster(self, teacher_client, cast):
        teacher_client.post(reverse("courses:roster_remove", args=[cast.course.pk, cast.student.pk]))
        response = teacher_client.get(reverse("courses:roster", args=[cast.course.pk]))
        assert cast.student.email not in response.text


class TestStudentView:
    def test_a_student_sees_the_sessions_but_no_management(self, client, cast):
        client.force_login(cast.student)
        response = client.get(reverse("courses:course_detail", args=[cast.course.pk]))
        assert response.status_code == 200
        assert cast.session.room in response.text
        assert reverse("courses:roster", args=[cast.course.pk]) not in response.text


def test_a_course_title_with_a_line_break_is_refused(teacher_client, cast):
    response = teacher_client.post(
        reverse("courses:course_edit", args=[cast.course.pk]),
        {"code": cast.course.code, "title": "Maths\nBcc: x", "code_minutes": 10, "risk_threshold": 75, **CHECKOUT},
    )
    assert response.status_code == 200
    assert "control characters are not allowed" in response.text
    cast.course.refresh_from_db()
    assert "\n" not in cast.course.title
