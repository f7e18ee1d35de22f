"""A student justifies an absence with a photo of a note; the teacher previews it and approves; the student's
page shows the notification live."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory, TeacherFactory
from attendance.models import AttendanceRecord, Status
from attendance.tests.factories import png_bytes
from courses.models import SessionState
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from tests.browser.test_teacher_journey import log_in

pytestmark = pytest.mark.browser


def test_a_justification_goes_from_student_to_teacher_and_back(browser, server, tmp_path):
    teacher = TeacherFactory(email="t@school.org")
    student = StudentFactory(email="s@school.org", first_name="Sam", last_name="Stone")
    course = CourseFactory(code="BIO1", teachers=[teacher])
    EnrollmentFactory(course=course, student=student)
    missed = ClassSessionFactory(course=course, starts_at=timezone.now() - timedelta(days=2), state=SessionState.CLOSED)
    AttendanceRecord.objects.create(session=missed, student=student, status=Status.ABSENT)
    note = tmp_path / "note.png"
    note.write_bytes(png_bytes((40, 30)))

    student_page = browser.new_context().new_page()
    log_in(student_page, server, "s@school.org")
    student_page.get_by_role("link", name="Justifications").click()
    student_page.get_by_role("link", name="Justify an absence").click()
    student_page.get_by_label(missed.label).check()
    student_page.get_by_label("Explanation").fill("Flu, see the doctor's note")
    student_page.get_by_label("Document (optional)").set_input_files(str(note))
    student_page.get_by_role("button", name="Send").click()
    expect(student_page.get_by_text("Justification sent to the teachers")).to_be_visible()

    teacher_page = browser.new_context().new_page()
    log_in(teacher_page, server, "t@school.org")
    teacher_page.get_by_role("link", name="Justifications").click()
    teacher_page.locator("#pending-justifications").get_by_text("Sam Stone").click()
    preview = teacher_page.get_by_role("img", name="note.png")
    expect(preview).to_be_visible()
    # Polled by Playwright without eval (a string predicate would need 'unsafe-eval', which the CSP refuses).
    expect(preview).to_have_js_property("naturalWidth", 40)

    student_page.goto(f"{server}/")
    expect(student_page.locator("[data-personal-socket][data-connected]")).to_be_attached()
    expect(student_page.locator("#unread-count")).to_be_hidden()
    teacher_page.get_by_role("button", name="Approve: excuse these sessions").click()
    expect(teacher_page.get_by_text("Approved: the sessions are excused.")).to_be_visible()

    expect(student_page.locator("#unread-count")).to_have_text("1")
    expect(student_page.locator(".toast")).to_contain_text("Justification approved: BIO1")
    assert AttendanceRecord.objects.get(session=missed, student=student).status == Status.EXCUSED
