"""Failure drill: Redis stops during a session. Check-ins still succeed and are stored, every page says that live
updates are paused, and once Redis is back the pages reconnect, catch up and receive pushes again, with no
restart of daphne."""

import re
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory, TeacherFactory
from attendance import services
from attendance.models import AttendanceRecord
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from tests.live import daphne, private_redis, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.redis]


def page_of(browser, server, user):
    context = browser.new_context()
    context.add_cookies([{"name": "sessionid", "value": session_cookie(user), "url": server}])
    return context.new_page()


def check_in_over_http(server, student, code):
    with httpx.Client(base_url=server, cookies={"sessionid": session_cookie(student)}) as http:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', http.get("/checkin/").text).group(1)
        response = http.post("/checkin/", data={"code": code, "csrfmiddlewaretoken": token})
    assert "Check-in received." in response.text


# While Redis is down the server refuses new sockets, and Chromium logs each refused reconnection.
@pytest.mark.console_allows("WebSocket connection to")
@pytest.mark.console_allows("[object Event]")
def test_check_ins_go_on_while_redis_is_down_and_live_updates_resume_when_it_returns(browser, transactional_db):
    teacher = TeacherFactory()
    olive = StudentFactory(first_name="Olive", last_name="Offline")
    pete = StudentFactory(first_name="Pete", last_name="Pushed")
    course = CourseFactory(teachers=[teacher])
    for student in (olive, pete):
        EnrollmentFactory(course=course, student=student)
    now = timezone.now()
    session = ClassSessionFactory(course=course, starts_at=now, ends_at=now + timedelta(hours=1))
    code = services.session_open(session=session, by=teacher).code

    with private_redis() as redis_server, daphne(REDIS_URL=redis_server.url) as server:
        teacher_page = page_of(browser, server, teacher)
        teacher_page.goto(f"{server}/sessions/{session.pk}/live/")
        expect(teacher_page.locator("[data-live-status]")).to_have_text("Live")
        student_page = page_of(browser, server, olive)
        student_page.goto(f"{server}/checkin/")
        expect(student_page.locator("[data-personal-socket][data-connected]")).to_have_count(1)
        pages = (teacher_page, student_page)
        for page in pages:
            expect(page.locator("#live-paused")).to_be_hidden()

        redis_server.stop()
        for page in pages:
            expect(page.locator("#live-paused")).to_be_visible(timeout=10_000)
        expect(teacher_page.locator("[data-live-status]")).to_have_text("Reconnecting…")

        student_page.get_by_label("Code").fill(code)
        student_page.get_by_role("button", name="Check in").click()
        expect(student_page.locator("#checkin-box")).to_contain_text("Check-in received.")
        assert AttendanceRecord.objects.filter(session=session, student=olive).exists()

        redis_server.start()
        for page in pages:
            expect(page.locator("#live-paused")).to_be_hidden(timeout=70_000)
        # The teacher's page caught up with the check-in made while it was offline.
        expect(teacher_page.locator("#checkins tr", has_text="Olive Offline")).to_be_visible()
        expect(teacher_page.locator('[data-counter="pending"]')).to_have_text("1")

        # Pushes flow again through the same daphne process: a new check-in appears without a reload.
        check_in_over_http(server, pete, code)
        expect(teacher_page.locator("#checkins tr", has_text="Pete Pushed")).to_be_visible(timeout=5_000)
        expect(teacher_page.locator('[data-counter="pending"]')).to_have_text("2")
