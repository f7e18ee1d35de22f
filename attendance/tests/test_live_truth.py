"""What each open page shows after each kind of change: the page as loaded, the fragments pushed to it."""

from datetime import timedelta
from unittest.mock import patch

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StudentFactory
from attendance import live as live_pushes
from attendance import services
from attendance.models import Status
from attendance.selectors import MAX_WRONG_CODES
from attendance.tests.factories import AttendanceRecordFactory
from attendance_system.routing import websocket_urlpatterns
from courses.tests.factories import ClassSessionFactory, EnrollmentFactory
from tests.layers import use_layer


@pytest.mark.django_db
class TestTheTeachersPage:
    def test_after_close_it_shows_check_in_closed_not_a_code_button(self, client, cast, live):
        session, _code = live
        client.force_login(cast.teacher)
        response = client.post(reverse("attendance:session_close", args=[session.pk]), headers={"HX-Request": "true"})
        assert "Check-in is closed" in response.text
        assert "Issue a code" not in response.text

    def test_a_closed_session_counts_its_absent_students_and_offers_nothing_to_validate(self, client, cast, live):
        session, _code = live
        EnrollmentFactory.create_batch(3, course=cast.course)
        services.session_close(session=session, by=cast.teacher)
        client.force_login(cast.teacher)
        response = client.get(reverse("attendance:session_live", args=[session.pk]))
        assert 'data-counter="absent">4<' in response.text
        assert 'data-counter="not_checked_in">0<' in response.text
        assert reverse("attendance:validate_all", args=[session.pk]) not in response.text

    def test_validate_all_is_offered_while_something_is_pending(self, client, cast, live):
        session, code = live
        services.code_submit(student=cast.student, typed=code.code)
        client.force_login(cast.teacher)
        response = client.get(reverse("attendance:session_live", args=[session.pk]))
        assert reverse("attendance:validate_all", args=[session.pk]) in response.text
        assert "Validate 1 pending" in response.text


@pytest.mark.django_db
class TestTheStudentsPages:
    def test_a_locked_out_student_gets_no_code_box_any_more(self, client, cast, live):
        client.force_login(cast.student)
        for _ in range(MAX_WRONG_CODES):
            response = client.post(reverse("attendance:checkin"), {"code": "ZZZZZZ"}, headers={"HX-Request": "true"})
        assert str(services.LOCKED_MESSAGE) in response.text
        assert "<form" not in response.text
        page = client.get(reverse("attendance:checkin"))
        assert "Locked" in page.text and 'name="code"' not in page.text

    def test_the_card_shows_each_open_session_even_before_a_check_in(self, client, cast, live):
        session, _code = live
        client.force_login(cast.student)
        response = client.get(reverse("home"))
        assert f'id="checkin-status-{session.pk}"' in response.text and "Not checked in yet" in response.text

    def test_the_dashboard_asks_its_socket_for_the_regions_it_shows(self, client, cast, live):
        session, _code = live
        client.force_login(cast.student)
        response = client.get(reverse("home"))
        assert 'ws-connect="/ws/me/?regions=checkin,session-' in response.text
        assert f"session-{session.pk}" in response.text.split('ws-connect="/ws/me/?regions=')[1].split('"')[0]

    def test_a_page_without_live_regions_asks_for_none(self, client, cast):
        client.force_login(cast.student)
        response = client.get(reverse("accounts:profile"))
        assert 'ws-connect="/ws/me/"' in response.text

    def test_the_justification_form_names_missed_and_upcoming_sessions(self, client, cast):
        now = timezone.now()
        ClassSessionFactory(course=cast.course, starts_at=now - timedelta(days=2))
        ClassSessionFactory(course=cast.course, starts_at=now + timedelta(days=2))
        client.force_login(cast.student)
        response = client.get(reverse("attendance:justification_new"))
        assert "· missed" in response.text and "· upcoming" in response.text
        assert response.text.index("· missed") < response.text.index("· upcoming")


@pytest.fixture
def layer(settings):
    use_layer(settings, "memory")
    yield
    channel_layers.backends.clear()


def connect(path, user):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    return communicator


@pytest.mark.django_db(transaction=True)
async def test_rows_made_by_roll_call_and_by_closing_are_added_to_every_open_table(layer, cast, live):
    session, _code = live
    late_joiner = (await sync_to_async(EnrollmentFactory)(course=cast.course)).student
    teacher = connect(f"/ws/sessions/{session.pk}/", cast.teacher)
    assert (await teacher.connect())[0]
    await sync_to_async(services.roll_call_save)(
        session=session, by=cast.teacher, statuses={cast.student.pk: Status.PRESENT}
    )
    rows = await teacher.receive_from(timeout=3)
    assert rows.startswith('<tbody hx-swap-oob="afterbegin:#checkins">') and cast.student.get_full_name() in rows
    assert 'id="counters"' in await teacher.receive_from(timeout=3)
    await sync_to_async(services.session_close)(session=session, by=cast.teacher)
    frames = [await teacher.receive_from(timeout=3) for _ in range(3)]
    added = next(frame for frame in frames if frame.startswith("<tbody"))
    assert 'hx-swap-oob="afterbegin:#checkins"' in added and late_joiner.get_full_name() in added
    await teacher.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_validate_all_tells_each_student_their_status_rendering_each_kind_once(layer, cast, live):
    session, _code = live
    punctual, late = await sync_to_async(StudentFactory.create_batch)(2)
    late_ones = {cast.student: False, punctual: False, late: True}
    for student, is_late in late_ones.items():
        if student != cast.student:
            await sync_to_async(EnrollmentFactory)(course=cast.course, student=student)
        await sync_to_async(AttendanceRecordFactory)(
            session=session, student=student, status=Status.PENDING, is_late=is_late
        )
    sockets = {student: connect("/ws/me/?regions=checkin", student) for student in late_ones}
    for socket in sockets.values():
        assert (await socket.connect())[0]
    with (
        patch("attendance.live.render_to_string", wraps=render_to_string) as statuses,
        patch("notifications.services.render_to_string", wraps=render_to_string) as notices,
    ):
        await sync_to_async(services.records_validate_pending)(session=session, by=cast.teacher)
        frames = {
            student: [await socket.receive_from(timeout=3) for _ in range(2)] for student, socket in sockets.items()
        }
    for student, is_late in late_ones.items():
        status = next(frame for frame in frames[student] if f'id="checkin-status-{session.pk}"' in frame)
        assert (">Late<" if is_late else ">Present<") in status
        assert any('id="unread-count"' in frame for frame in frames[student])
    # Present and late for three students; unread counts of 1 and of 2 (the cast's student had a notice already).
    assert sum(call.args[0].endswith("#status") for call in statuses.call_args_list) == 2
    assert sum(call.args[0] == "notifications/pushed.html" for call in notices.call_args_list) == 2
    for socket in sockets.values():
        await socket.disconnect()


@pytest.mark.django_db
def test_a_pushed_status_shows_each_student_their_own_check_out(cast, live):
    session, _code = live
    other = StudentFactory()
    EnrollmentFactory(course=cast.course, student=other)
    gone = AttendanceRecordFactory(session=session, student=cast.student, checked_out_at=timezone.now())
    staying = AttendanceRecordFactory(session=session, student=other)
    with patch("attendance.live.push") as push:
        live_pushes.push_student_statuses(session, [gone, staying])
    sent = {group: html for (group, html), _kwargs in push.call_args_list}
    assert "Checked out at" in sent[f"user.{cast.student.pk}.checkin"]
    assert "Checked out at" not in sent[f"user.{other.pk}.checkin"]
