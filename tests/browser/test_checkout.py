"""Check-out in a real browser: at the end of a session the student checks out, with the button or with the
check-out code the teacher shows, sees it confirmed, and the teacher's row updates, neither page reloaded."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory, TeacherFactory
from attendance.models import AttendanceCode, Status
from attendance.tests.factories import AttendanceRecordFactory
from courses.models import SessionState
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from tests.browser.checks import axe_check
from tests.browser.test_teacher_journey import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def ending(server):
    """A session of a course that requires check-out, in its last 5 minutes; Sam Stone has checked in."""
    teacher = TeacherFactory(email="t@school.org")
    student = StudentFactory(email="s@school.org", first_name="Sam", last_name="Stone", student_number="S1")
    course = CourseFactory(code="BIO1", teachers=[teacher], checkout_required=True, checkout_minutes=10)
    EnrollmentFactory(course=course, student=student)
    now = timezone.now()
    session = ClassSessionFactory(
        course=course,
        starts_at=now - timedelta(minutes=55),
        ends_at=now + timedelta(minutes=5),
        state=SessionState.OPEN,
    )
    # Written directly: the services would push from this thread, where Playwright runs its event loop.
    AttendanceCode.objects.create(session=session, issued_by=teacher, issued_at=now, expires_at=session.ends_at)
    AttendanceRecordFactory(session=session, student=student, status=Status.PRESENT, submitted_at=session.starts_at)
    return session


@pytest.fixture
def pages(browser, server, ending):
    """The teacher's live page and the student's check-in page, closed after the test (before its server stops,
    so that their sockets do not retry into the next test)."""
    teacher_page, student_page = open_both(browser, server, ending)
    yield teacher_page, student_page
    teacher_page.context.close()
    student_page.context.close()


def open_both(browser, server, session):
    teacher_page = browser.new_context().new_page()
    log_in(teacher_page, server, "t@school.org")
    teacher_page.goto(f"{server}/sessions/{session.pk}/live/")
    expect(teacher_page.locator("[data-live-status]")).to_have_text("Live")
    teacher_page.evaluate("window.notReloaded = true")
    student_page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    log_in(student_page, server, "s@school.org")
    student_page.goto(f"{server}/checkin/")
    expect(student_page.locator("[data-personal-socket][data-connected]")).to_be_attached()
    student_page.evaluate("window.notReloaded = true")
    return teacher_page, student_page


def test_a_student_checks_out_with_the_button_and_the_teachers_row_updates(server, pages):
    teacher_page, student_page = pages
    row = teacher_page.locator("#checkins tr", has_text="Sam Stone")
    expect(row.locator(".checkout-cell")).to_have_text("—")
    assert axe_check(student_page, server) == []

    student_page.get_by_role("button", name="Check out").click()
    expect(student_page.locator(".checkout-confirmed")).to_contain_text("Checked out at")
    expect(student_page.get_by_role("button", name="Check out")).to_have_count(0)

    expect(row.locator(".checkout-cell")).to_contain_text("min)")
    assert axe_check(teacher_page, server) == []
    assert teacher_page.evaluate("window.notReloaded") and student_page.evaluate("window.notReloaded")


def test_the_teacher_shows_the_check_out_code_and_the_student_types_it(pages):
    teacher_page, student_page = pages
    expect(student_page.get_by_label("Code")).to_have_count(0)

    teacher_page.get_by_role("button", name="Show the check-out code").click()
    expect(teacher_page.locator("#code-purpose")).to_have_text("Check-out code")
    code = teacher_page.locator("#live-code").get_attribute("data-code")

    # The student's card offers the code box as soon as the check-out code is shown.
    student_page.get_by_label("Code").fill(code.lower())
    student_page.locator("#checkin-box").get_by_role("button", name="Check out").click()
    expect(student_page.locator("#checkin-box")).to_contain_text("Check-out received.")
    expect(student_page.locator(".checkout-confirmed")).to_contain_text("Checked out at")

    row = teacher_page.locator("#checkins tr", has_text="Sam Stone")
    expect(row.locator(".checkout-cell")).to_contain_text("min)")
    assert teacher_page.evaluate("window.notReloaded") and student_page.evaluate("window.notReloaded")
