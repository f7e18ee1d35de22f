"""A document over the limit is refused on the form itself, before a byte of it is sent."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory, TeacherFactory
from attendance.models import Justification
from attendance.tests.factories import png_bytes
from courses.models import SessionState
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from tests.browser.test_teacher_journey import log_in

pytestmark = pytest.mark.browser


def test_a_document_over_the_limit_is_refused_on_the_form_before_it_is_sent(page, server, tmp_path):
    student = StudentFactory(email="s@school.org")
    course = CourseFactory(teachers=[TeacherFactory()])
    EnrollmentFactory(course=course, student=student)
    missed = ClassSessionFactory(course=course, starts_at=timezone.now() - timedelta(days=2), state=SessionState.CLOSED)
    scan = tmp_path / "scan.pdf"
    with scan.open("wb") as file:
        file.truncate(5 * 1024 * 1024 + 1)  # one byte over UPLOAD_MAX_BYTES, written as a hole
    note = tmp_path / "note.png"
    note.write_bytes(png_bytes())

    log_in(page, server, "s@school.org")
    page.goto(f"{server}/justifications/new/")
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.get_by_label(missed.label).check()
    page.get_by_label("Explanation").fill("Flu")
    document = page.get_by_label("Document (optional)")
    document.set_input_files(str(scan))
    error = page.locator("#id_document-too-large")
    expect(error).to_be_visible()
    expect(error).to_have_text(
        "The file is larger than 5.0\xa0MB. Accepted: a PDF, JPEG or PNG document of at most 5.0\xa0MB."
    )
    expect(document).to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Send").click()
    expect(document).to_be_focused()
    assert posts == []
    assert not Justification.objects.filter(student=student).exists()

    document.set_input_files(str(note))
    expect(error).to_have_count(0)
    expect(document).to_have_attribute("aria-invalid", "false")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Justification sent to the teachers")).to_be_visible()
    assert Justification.objects.get(student=student).document.original_name == "note.png"
