from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import reverse

from accounts.tests.factories import ParentFactory
from attendance import services as attendance_services
from attendance_system.errors import DomainError
from attendance_system.routing import websocket_urlpatterns
from courses import services
from courses.models import SessionState
from courses.tests.factories import EnrollmentFactory
from notifications.models import Kind, Notification
from tests.smtp import smtp_server  # noqa: F401 (fixture)


@pytest.mark.django_db
class TestCancel:
    def test_students_and_their_parents_are_notified_with_the_reason(self, cast):
        services.session_cancel(session=cast.session, reason="Teacher ill")
        cast.session.refresh_from_db()
        assert (cast.session.state, cast.session.cancel_reason) == (SessionState.CANCELLED, "Teacher ill")
        notified = set(Notification.objects.filter(kind=Kind.SESSION_CANCELLED).values_list("user", flat=True))
        assert notified == {cast.student.pk, cast.parent.pk}
        assert Notification.objects.filter(params__reason="Teacher ill").count() == 2

    def test_a_reason_is_required(self, cast):
        with pytest.raises(DomainError, match="Give a reason"):
            services.session_cancel(session=cast.session, reason=" ")
        cast.session.refresh_from_db()
        assert cast.session.state == SessionState.SCHEDULED
        assert not Notification.objects.filter(kind=Kind.SESSION_CANCELLED).exists()

    def test_a_cancelled_session_refuses_opening(self, cast):
        services.session_cancel(session=cast.session, reason="Strike")
        with pytest.raises(DomainError, match="cancelled"):
            attendance_services.session_open(session=cast.session, by=cast.teacher, now=cast.session.starts_at)

    def test_restoring_before_the_start_notifies_again(self, cast):
        services.session_cancel(session=cast.session, reason="Strike")
        services.session_restore(session=cast.session)
        assert cast.session.state == SessionState.SCHEDULED
        assert Notification.objects.filter(kind=Kind.SESSION_RESTORED).count() == 2

    def test_it_cannot_be_restored_once_started(self, cast):
        services.session_cancel(session=cast.session, reason="Strike")
        with pytest.raises(DomainError, match="only before it starts"):
            services.session_restore(session=cast.session, now=cast.session.starts_at + timedelta(minutes=1))

    def test_the_teacher_cancels_from_the_course_page(self, client, cast):
        client.force_login(cast.teacher)
        response = client.post(reverse("courses:session_cancel", args=[cast.session.pk]), {"reason": "Trip"})
        assert response.url == reverse("courses:course_detail", args=[cast.course.pk])
        page = client.get(response.url)
        assert "session-cancelled" in page.text and "Trip" in page.text

    def test_the_student_sees_it_struck_through_on_the_dashboard(self, client, cast):
        services.session_cancel(session=cast.session, reason="Trip")
        client.force_login(cast.student)
        assert "session-cancelled" in client.get(reverse("home")).text


@pytest.mark.django_db(transaction=True)
async def test_a_cancellation_reaches_each_students_socket_and_the_smtp_server(cast, smtp_server):  # noqa: F811
    second = await sync_to_async(lambda: EnrollmentFactory(course=cast.course).student)()
    second_parent = await sync_to_async(ParentFactory)(children=[second])
    sockets = []
    for student in (cast.student, second):
        communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/me/")
        communicator.scope["user"] = student
        assert (await communicator.connect())[0]
        sockets.append(communicator)
    session = cast.session
    await sync_to_async(services.session_cancel)(session=session, reason="Room flooded")
    for communicator in sockets:
        html = await communicator.receive_from(timeout=3)
        assert "Cancelled:" in html and cast.course.code in html
        await communicator.disconnect()
    recipients = sorted(address for received in smtp_server.messages for address in received["to"])
    assert recipients == sorted([cast.student.email, second.email, cast.parent.email, second_parent.email])
    message = smtp_server.messages[0]["message"]
    assert str(message["Subject"]).strip().startswith(f"[Attendance] Cancelled: {cast.course.code}")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Room flooded" in body
    assert f"/courses/{cast.course.pk}/" in body
