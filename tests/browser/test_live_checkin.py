"""The heart of the product in a real browser: the teacher shows a code, the student types it, the row
appears on the teacher's page without reload, the teacher validates, the student sees it without reload."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory, TeacherFactory
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from tests.browser.test_teacher_journey import log_in

pytestmark = pytest.mark.browser


def test_check_in_and_validation_show_live_on_both_sides(browser, server):
    teacher = TeacherFactory(email="t@school.org")
    student = StudentFactory(email="s@school.org", first_name="Sam", last_name="Stone", student_number="S1")
    course = CourseFactory(code="BIO1", teachers=[teacher])
    EnrollmentFactory(course=course, student=student)
    now = timezone.now()
    session = ClassSessionFactory(course=course, starts_at=now, ends_at=now + timedelta(hours=1))

    teacher_page = browser.new_context().new_page()
    log_in(teacher_page, server, "t@school.org")
    teacher_page.goto(f"{server}/sessions/{session.pk}/live/")
    expect(teacher_page.locator("[data-live-status]")).to_have_text("Live")
    teacher_page.get_by_role("button", name="Open check-in").click()
    code = teacher_page.locator("#live-code").get_attribute("data-code")
    teacher_page.evaluate("window.notReloaded = true")

    student_page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    log_in(student_page, server, "s@school.org")
    expect(student_page.get_by_text("Check in now")).to_be_visible()
    student_page.get_by_label("Code").fill(code.lower())
    student_page.get_by_role("button", name="Check in", exact=True).click()
    expect(student_page.locator(".checkin-status .status-badge")).to_have_text("Pending")
    expect(student_page.locator("[data-personal-socket][data-connected]")).to_be_attached()
    student_page.evaluate("window.notReloaded = true")

    row = teacher_page.locator("#checkins tr", has_text="Sam Stone")
    expect(row).to_be_visible()
    expect(row).to_contain_text("S1")
    expect(teacher_page.locator('[data-counter="pending"]')).to_have_text("1")
    row.get_by_role("button", name="Validate").click()

    expect(student_page.locator(".checkin-status .status-badge")).to_have_text("Present")
    expect(student_page.locator(".toast")).to_contain_text("validated")
    expect(teacher_page.locator('[data-counter="validated"]')).to_have_text("1")
    assert teacher_page.evaluate("window.notReloaded") and student_page.evaluate("window.notReloaded")
