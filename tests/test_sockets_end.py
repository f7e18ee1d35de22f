"""A socket is authorised when it connects; whoever loses the rights it was let in for loses the socket too,
by every path (the services, so views, Django admin and commands alike), and the page that reconnects is
authorised anew. Through the real ASGI application, with session cookies, as a browser connects."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from accounts.tests.factories import AdminFactory
from accounts.tests.test_admin import user_form
from attendance_system.asgi import application
from courses import services as course_services
from courses.tests.factories import ClassSessionFactory
from tests.live import session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


class Browser:
    """One person's browser: its session cookie opens their sockets."""

    def __init__(self, user):
        self.cookie = session_cookie(user)

    def socket(self, path):
        headers = [
            (b"host", b"testserver"),
            (b"origin", b"http://testserver"),
            (b"cookie", f"sessionid={self.cookie}".encode()),
        ]
        return WebsocketCommunicator(application, path, headers=headers)


async def opened(browser, path):
    socket = browser.socket(path)
    connected, _ = await socket.connect()
    assert connected, path
    return socket


async def assert_closed(socket):
    assert (await socket.receive_output(timeout=3))["type"] == "websocket.close"


async def assert_refused(browser, path):
    connected, _ = await browser.socket(path).connect()
    assert not connected, path


@pytest.fixture
def browsers(cast):
    return {role: Browser(getattr(cast, role)) for role in ("teacher", "other_teacher", "student", "other_student")}


async def test_a_teacher_taken_off_a_course_loses_its_session_room_and_pages(cast, browsers):
    session = cast.session
    room = await opened(browsers["teacher"], f"/ws/sessions/{session.pk}/")
    page = await opened(browsers["teacher"], "/ws/me/")
    bystander = await opened(browsers["other_teacher"], "/ws/me/")
    await sync_to_async(course_services.course_set_teachers)(course=cast.course, teachers=[cast.other_teacher])
    await assert_closed(room)
    await assert_closed(page)
    await assert_refused(browsers["teacher"], f"/ws/sessions/{session.pk}/")
    assert await bystander.receive_nothing(timeout=0.3)
    await bystander.disconnect()


async def test_a_student_removed_from_a_course_stops_receiving_its_sessions(cast, browsers):
    session = await sync_to_async(ClassSessionFactory)(course=cast.course)
    regions = f"/ws/me/?regions=session-{session.pk}"
    page = await opened(browsers["student"], regions)
    await sync_to_async(course_services.enrollment_remove)(course=cast.course, student=cast.student)
    await assert_closed(page)
    reconnected = await opened(browsers["student"], regions)
    await sync_to_async(course_services.session_cancel)(session=session, reason="Storm")
    assert await reconnected.receive_nothing(timeout=0.5)
    await reconnected.disconnect()


async def test_before_removal_the_student_receives_the_sessions_state(cast, browsers):
    """The counterpart of the test above: the same page, enrolled, is sent the state of the session."""
    session = await sync_to_async(ClassSessionFactory)(course=cast.course)
    page = await opened(browsers["student"], f"/ws/me/?regions=session-{session.pk}")
    await sync_to_async(course_services.session_cancel)(session=session, reason="Storm")
    # The badge, and a notice of the cancellation, in the order they were pushed.
    frames = [await page.receive_from(timeout=3), await page.receive_from(timeout=3)]
    assert any(f"session-state-{session.pk}" in frame for frame in frames)
    await page.disconnect()


async def test_a_role_change_closes_the_users_sockets(cast, browsers):
    page = await opened(browsers["teacher"], "/ws/me/")
    bystander = await opened(browsers["student"], "/ws/me/")
    cast.teacher.role = "parent"
    await sync_to_async(account_services.user_save)(user=cast.teacher)
    await assert_closed(page)
    assert await bystander.receive_nothing(timeout=0.3)
    await bystander.disconnect()


async def test_an_account_deactivated_in_django_admin_is_closed_out_and_refused_on_reconnect(cast, browsers):
    room = await opened(browsers["teacher"], f"/ws/sessions/{cast.session.pk}/")
    admin = Client()
    await sync_to_async(admin.force_login)(await sync_to_async(AdminFactory)())
    url = reverse("admin:accounts_user_change", args=[cast.teacher.pk])
    response = await sync_to_async(admin.post)(url, user_form(cast.teacher, is_active=None))
    assert response.status_code == 302
    await assert_closed(room)
    await assert_refused(browsers["teacher"], f"/ws/sessions/{cast.session.pk}/")
    await assert_refused(browsers["teacher"], "/ws/me/")
