"""Failure drill: the mail server is down. The action that notifies succeeds, the email is tried
MAX_ATTEMPTS times, then recorded as failed on the notification, where an administrator finds it."""

import pytest
from django.urls import reverse

from courses.models import SessionState
from notifications.models import EmailStatus, Kind, Notification
from notifications.tasks import MAX_ATTEMPTS
from tests.live import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


def test_a_cancellation_succeeds_and_its_failed_emails_are_shown_to_administrators(client, cast, mail_server_down):
    client.force_login(cast.teacher)
    response = client.post(reverse("courses:session_cancel", args=[cast.session.pk]), {"reason": "Strike"})
    assert response.status_code == 302
    cast.session.refresh_from_db()
    assert cast.session.state == SessionState.CANCELLED

    notification = Notification.objects.get(user=cast.student, kind=Kind.SESSION_CANCELLED)
    assert notification.email_status == EmailStatus.FAILED
    assert notification.email_attempts == MAX_ATTEMPTS
    assert "Connection refused" in notification.email_error or "ConnectionRefusedError" in notification.email_error

    client.force_login(cast.admin)
    changelist = reverse("admin:notifications_notification_changelist")
    failed = client.get(changelist, {"email_status__exact": EmailStatus.FAILED})
    assert failed.status_code == 200
    assert notification in failed.context["cl"].result_list
    assert "failed" in failed.content.decode()
    assert client.get(changelist, {"email_status__exact": EmailStatus.SENT}).context["cl"].result_count == 0
    detail = client.get(reverse("admin:notifications_notification_change", args=[notification.pk]))
    assert "Connection refused" in detail.content.decode() or "ConnectionRefusedError" in detail.content.decode()
