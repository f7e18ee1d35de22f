"""The session socket lets in only the teachers of the course; pushes reach the right sockets only."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.utils import timezone

from attendance import services
from attendance_system.errors import DomainError
from attendance_system.routing import websocket_urlpatterns
from courses.tests.factories import ClassSessionFactory, EnrollmentFactory
from notifications import live as notification_live

pytestmark = pytest.mark.django_db(transaction=True)


def connect(path, user):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    return communicator


async def test_the_teacher_of_the_course_gets_each_submission(layer, cast, live):
    session, code = live
    teacher = connect(f"/ws/sessions/{session.pk}/", cast.teacher)
    assert (await teacher.connect())[0]
    record = await sync_to_async(services.code_submit)(student=cast.student, typed=code.code)
    rows = await teacher.receive_from(timeout=3)
    assert rows.startswith('<tbody hx-swap-oob="afterbegin:#checkins">')
    assert f'id="record-{record.pk}"' in rows
    assert cast.student.get_full_name() in rows
    counters = await teacher.receive_from(timeout=3)
    assert counters.startswith('<div id="counters"')
    assert 'data-counter="pending">1<' in counters
    await teacher.disconnect()


@pytest.mark.parametrize("role", ["other_teacher", "student", "parent", "other_student"])
async def test_everyone_else_is_refused_by_the_session_socket(layer, cast, live, role):
    session, _code = live
    communicator = connect(f"/ws/sessions/{session.pk}/", cast.by_role(role))
    connected, _ = await communicator.connect()
    assert not connected


async def test_an_anonymous_visitor_is_refused(layer, cast, live):
    from django.contrib.auth.models import AnonymousUser

    session, _code = live
    for path in (f"/ws/sessions/{session.pk}/", "/ws/me/"):
        connected, _ = await connect(path, AnonymousUser()).connect()
        assert not connected


async def test_a_students_personal_socket_gets_only_their_own_validation(layer, cast, live):
    session, code = live
    mine = connect("/ws/me/?regions=checkin", cast.student)
    theirs = connect("/ws/me/?regions=checkin", cast.other_student)
    assert (await mine.connect())[0] and (await theirs.connect())[0]
    record = await sync_to_async(services.code_submit)(student=cast.student, typed=code.code)
    await sync_to_async(services.record_validate)(record=record, by=cast.teacher)
    html = await mine.receive_from(timeout=3)
    assert f'id="checkin-status-{session.pk}"' in html
    assert "Present" in html
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()


async def test_the_real_stack_authenticates_by_session_cookie_and_checks_the_origin(cast, live, settings):
    from django.test import Client

    from attendance_system.asgi import application

    session, _code = live
    client = Client()
    await sync_to_async(client.force_login)(cast.teacher)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    settings.ALLOWED_HOSTS = ["testserver"]

    def socket(origin):
        headers = [(b"cookie", cookie), (b"origin", origin), (b"host", b"testserver")]
        return WebsocketCommunicator(application, f"/ws/sessions/{session.pk}/", headers=headers)

    good = socket(b"http://testserver")
    assert (await good.connect())[0]
    await good.disconnect()
    assert not (await socket(b"http://evil.example").connect())[0]


async def test_the_teacher_sees_a_student_locked_out(layer, cast, live):
    session, _code = live
    teacher = connect(f"/ws/sessions/{session.pk}/", cast.teacher)
    assert (await teacher.connect())[0]
    for _ in range(5):
        with pytest.raises(DomainError):
            await sync_to_async(services.code_submit)(student=cast.student, typed="ZZZZZZ")
    html = await teacher.receive_from(timeout=3)
    assert html.startswith('<div id="lockouts" hx-swap-oob="true">')
    assert cast.student.get_full_name() in html
    await teacher.disconnect()


async def test_a_notification_reaches_the_users_personal_socket(layer, cast):
    from notifications.models import Kind
    from notifications.services import notify
    from notifications.texts import written

    mine = connect("/ws/me/", cast.student)
    assert (await mine.connect())[0]
    await sync_to_async(notify)(cast.student, Kind.SESSION_CANCELLED, written("MATH101 is cancelled"))
    html = await mine.receive_from(timeout=3)
    assert 'id="unread-count"' in html and "MATH101 is cancelled" in html
    await mine.disconnect()


async def test_opening_and_closing_reach_the_students_dashboards_and_other_teacher_tabs(layer, cast):
    now = timezone.now()
    session = await sync_to_async(ClassSessionFactory)(
        course=cast.course, starts_at=now, ends_at=now + timedelta(hours=1)
    )
    student = connect("/ws/me/?regions=checkin", cast.student)
    teacher = connect(f"/ws/sessions/{session.pk}/", cast.teacher)
    assert (await student.connect())[0] and (await teacher.connect())[0]
    await sync_to_async(services.session_open)(session=session, by=cast.teacher)
    assert 'id="checkin-card-loader" hx-swap-oob="true"' in await student.receive_from(timeout=3)
    assert 'id="code-panel"' in await teacher.receive_from(timeout=3)
    await sync_to_async(services.session_close)(session=session, by=cast.teacher)
    assert 'id="checkin-card-loader"' in await student.receive_from(timeout=3)
    panel = await teacher.receive_from(timeout=3)
    assert 'id="code-panel"' in panel and "Check-in is closed" in panel
    await student.disconnect()
    await teacher.disconnect()


async def test_unlocking_updates_every_teacher_tab(layer, cast, live):
    session, _code = live
    teacher = connect(f"/ws/sessions/{session.pk}/", cast.teacher)
    assert (await teacher.connect())[0]
    await sync_to_async(services.lockout_clear)(session=session, student=cast.student)
    html = await teacher.receive_from(timeout=3)
    assert html.startswith('<div id="lockouts" hx-swap-oob="true">')
    await teacher.disconnect()


async def test_a_page_without_a_check_in_card_gets_no_check_in_fragment(layer, cast, live):
    """Only the badge and toasts reach every page; a status goes only where a card shows it."""
    _session, code = live
    plain = connect("/ws/me/", cast.student)
    assert (await plain.connect())[0]
    record = await sync_to_async(services.code_submit)(student=cast.student, typed=code.code)
    await sync_to_async(services.record_validate)(record=record, by=cast.teacher)
    frame = await plain.receive_from(timeout=3)
    assert 'id="unread-count"' in frame and "checkin-status" not in frame
    assert await plain.receive_nothing(timeout=0.3)
    await plain.disconnect()


async def test_a_session_badge_is_pushed_to_pages_that_show_it_and_may(layer, cast):
    now = timezone.now()
    session = await sync_to_async(ClassSessionFactory)(
        course=cast.course, starts_at=now, ends_at=now + timedelta(hours=1)
    )
    watching = connect(f"/ws/me/?regions=session-{session.pk}", cast.parent)
    outsider = connect(f"/ws/me/?regions=session-{session.pk}", cast.other_student)
    assert (await watching.connect())[0] and (await outsider.connect())[0]
    await sync_to_async(services.session_open)(session=session, by=cast.teacher)
    badge = await watching.receive_from(timeout=3)
    assert f'id="session-state-{session.pk}"' in badge and "Open" in badge
    assert await outsider.receive_nothing(timeout=0.3)
    await watching.disconnect()
    await outsider.disconnect()


async def test_counters_of_a_burst_are_read_and_pushed_once_showing_every_check_in(layer, cast, live):
    session, code = live
    others = await sync_to_async(EnrollmentFactory.create_batch)(4, course=cast.course)
    teacher = connect(f"/ws/sessions/{session.pk}/", cast.teacher)
    assert (await teacher.connect())[0]
    students = [cast.student, *(e.student for e in others)]

    @sync_to_async
    def check_in_together():
        # Committed at once, as a busy lecture hall's check-ins land within the same instant.
        with transaction.atomic():
            for student in students:
                services.code_submit(student=student, typed=code.code)

    await check_in_together()
    frames = [await teacher.receive_from(timeout=3) for _ in range(6)]
    assert sum(frame.startswith("<tbody") for frame in frames) == 5
    [counters] = [frame for frame in frames if 'id="counters"' in frame]
    assert 'data-counter="pending">5<' in counters
    assert await teacher.receive_nothing(timeout=0.5)
    await teacher.disconnect()


async def test_closing_a_users_sockets_ends_their_pages_and_session_rooms_only(layer, cast, live):
    session, _code = live
    room = connect(f"/ws/sessions/{session.pk}/", cast.teacher)
    page = connect("/ws/me/", cast.teacher)
    other = connect("/ws/me/", cast.student)
    for socket in (room, page, other):
        assert (await socket.connect())[0]
    await sync_to_async(notification_live.close_sockets)(cast.teacher.pk)
    assert (await room.receive_output(timeout=3))["type"] == "websocket.close"
    assert (await page.receive_output(timeout=3))["type"] == "websocket.close"
    assert await other.receive_nothing(timeout=0.3)
    await other.disconnect()


@pytest.fixture
def ending(cast):
    """A session of a course that requires check-out, in its last 5 minutes; the student has checked in."""
    cast.course.checkout_required = True
    cast.course.save()
    now = timezone.now()
    session = ClassSessionFactory(
        course=cast.course, starts_at=now - timedelta(minutes=50), ends_at=now + timedelta(minutes=5)
    )
    code = services.session_open(session=session, by=cast.teacher)
    return session, services.code_submit(student=cast.student, typed=code.code)


async def test_a_check_out_updates_the_teachers_row_and_the_students_status(layer, cast, ending):
    session, record = ending
    teacher = connect(f"/ws/sessions/{session.pk}/", cast.teacher)
    student = connect("/ws/me/?regions=checkin", cast.student)
    assert (await teacher.connect())[0] and (await student.connect())[0]
    await sync_to_async(services.record_check_out)(session=session, student=cast.student)
    row = await teacher.receive_from(timeout=3)
    assert row.startswith(f'<tr id="record-{record.pk}" data-status="pending" hx-swap-oob="true">')
    assert 'class="checkout-cell"' in row and "min)" in row
    assert 'id="counters"' in await teacher.receive_from(timeout=3)
    status = await student.receive_from(timeout=3)
    assert f'id="checkin-status-{session.pk}"' in status and "Checked out at" in status
    await teacher.disconnect()
    await student.disconnect()


async def test_closing_pushes_the_early_leave_flag_to_the_teachers_row(layer, cast, ending):
    session, record = ending
    teacher = connect(f"/ws/sessions/{session.pk}/", cast.teacher)
    assert (await teacher.connect())[0]
    await sync_to_async(services.session_close)(session=session, by=cast.teacher)
    frames = [await teacher.receive_from(timeout=3) for _ in range(3)]
    row = next(frame for frame in frames if f'id="record-{record.pk}"' in frame)
    assert "left early" in row
    await teacher.disconnect()


async def test_showing_the_check_out_code_reloads_the_students_cards(layer, cast, ending):
    session, _record = ending
    student = connect("/ws/me/?regions=checkin", cast.student)
    assert (await student.connect())[0]
    await sync_to_async(services.code_issue)(session=session, by=cast.teacher, purpose="check_out")
    assert 'id="checkin-card-loader" hx-swap-oob="true"' in await student.receive_from(timeout=3)
    await student.disconnect()
