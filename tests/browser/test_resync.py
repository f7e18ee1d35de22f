"""A teacher whose connection drops misses nothing: on reconnect the live page fetches itself again."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory, TeacherFactory
from attendance import services
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from tests.browser.test_teacher_journey import log_in
from tests.live import daphne, free_port

pytestmark = pytest.mark.browser


# While the server is down, Chromium logs each failed reconnection and htmx's WebSocket extension its event.
@pytest.mark.console_allows("WebSocket connection to")
@pytest.mark.console_allows("[object Event]")
@pytest.mark.console_allows("ERR_CONNECTION_REFUSED")
def test_a_check_in_made_while_the_teacher_was_offline_appears_after_reconnect(browser, transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    teacher = TeacherFactory(email="t@school.org")
    student = StudentFactory(first_name="Olive", last_name="Offline")
    course = CourseFactory(teachers=[teacher])
    EnrollmentFactory(course=course, student=student)
    now = timezone.now()
    session = ClassSessionFactory(course=course, starts_at=now, ends_at=now + timedelta(hours=1))
    code = services.session_open(session=session, by=teacher)

    port = free_port()
    page = browser.new_context().new_page()
    with daphne(port=port) as server:
        log_in(page, server, "t@school.org")
        page.goto(f"{server}/sessions/{session.pk}/live/")
        expect(page.locator("[data-live-status]")).to_have_text("Live")
    expect(page.locator("[data-live-status]")).to_have_text("Reconnecting…")

    services.code_submit(student=student, typed=code.code)

    with daphne(port=port):
        expect(page.locator("[data-live-status]")).to_have_text("Live", timeout=20_000)
        expect(page.locator("#checkins tr", has_text="Olive Offline")).to_be_visible()
        expect(page.locator('[data-counter="pending"]')).to_have_text("1")
