"""Failure drill, the student's side: the server that served the check-in page is gone when they press Check in
(its process was killed). The page says the server could not be reached, never that the check-in was
received, and once the server is back the student checks in."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory, TeacherFactory
from attendance import services
from attendance.models import AttendanceRecord
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from tests.live import daphne, free_port, session_cookie

pytestmark = pytest.mark.browser


# While the server is away, Chromium logs the refused requests and reconnections, and htmx the failed request.
@pytest.mark.console_allows("WebSocket connection to")
@pytest.mark.console_allows("htmx:sendError")
@pytest.mark.console_allows("htmx:afterRequest")
@pytest.mark.console_allows("[object Event]")
@pytest.mark.console_allows("ERR_CONNECTION_REFUSED")
def test_a_check_in_the_server_never_answered_says_so_and_can_be_sent_again(browser, transactional_db):
    teacher, student = TeacherFactory(), StudentFactory()
    course = CourseFactory(teachers=[teacher])
    EnrollmentFactory(course=course, student=student)
    now = timezone.now()
    session = ClassSessionFactory(course=course, starts_at=now, ends_at=now + timedelta(hours=1))
    code = services.session_open(session=session, by=teacher).code

    port = free_port()
    context = browser.new_context()
    page = context.new_page()
    with daphne(port=port) as server:
        context.add_cookies([{"name": "sessionid", "value": session_cookie(student), "url": server}])
        page.goto(f"{server}/checkin/")
        page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("alert")).to_contain_text("Could not reach the server")
    expect(page.get_by_text("Check-in received.")).to_have_count(0)
    expect(page.locator("#live-paused")).to_be_visible()
    assert not AttendanceRecord.objects.filter(session=session, student=student).exists()

    with daphne(port=port):
        # The page reconnects and reloads its check-in card.
        with page.expect_response(lambda r: r.request.method == "GET" and r.url.endswith("/checkin/"), timeout=70_000):
            pass
        expect(page.locator("#live-paused")).to_be_hidden()
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Check in").click()
        expect(page.locator("#checkin-box")).to_contain_text("Check-in received.")
    assert AttendanceRecord.objects.filter(session=session, student=student).exists()
