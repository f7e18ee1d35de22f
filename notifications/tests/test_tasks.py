import pytest
from django.core import mail

from accounts.tests.factories import StudentFactory
from notifications import tasks
from notifications.models import EmailStatus
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_each_kind_has_a_text_and_an_html_email_in_the_users_language():
    from notifications.models import Kind

    user = StudentFactory(language="en")
    for kind in Kind:
        message = tasks._message(NotificationFactory(user=user, kind=kind, title=f"T-{kind}", url="/x/"))
        assert message.subject == f"[Attendance] T-{kind}"
        assert "http://127.0.0.1:8000/x/" in message.body
        assert 'href="http://127.0.0.1:8000/x/"' in message.alternatives[0].content


def test_the_subject_is_plain_text_and_the_html_body_escaped():
    notification = NotificationFactory(title="Check-in rejected: <B> & Co", url="/x/")
    message = tasks._message(notification)
    assert message.subject == "[Attendance] Check-in rejected: <B> & Co"
    assert "&lt;B&gt; &amp; Co" in message.alternatives[0].content


def test_a_title_with_a_line_break_still_makes_a_one_line_subject():
    message = tasks._message(NotificationFactory(title="Cancelled:\r\nBcc: x@y.org", url="/x/"))
    assert message.subject == "[Attendance] Cancelled: Bcc: x@y.org"
    assert message.message()["Bcc"] is None


def test_a_failed_send_is_logged_and_retried_then_given_up(monkeypatch, caplog):
    notification = NotificationFactory()
    attempts = []

    def broken_send(self, fail_silently=False):
        attempts.append(1)
        raise ConnectionRefusedError("smtp is down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken_send)
    result = tasks.send_notification_email.enqueue(notification.pk)
    assert result.return_value == "retrying"
    assert len(attempts) == tasks.MAX_ATTEMPTS
    assert caplog.text.count("Sending notification") == tasks.MAX_ATTEMPTS
    notification.refresh_from_db()
    assert (notification.email_status, notification.email_attempts) == (EmailStatus.FAILED, tasks.MAX_ATTEMPTS)
    assert "smtp is down" in notification.email_error


def test_a_send_that_succeeds_on_retry_delivers_once(monkeypatch):
    notification = NotificationFactory()
    real_send = tasks.EmailMultiAlternatives.send
    calls = []

    def flaky_send(self, fail_silently=False):
        calls.append(1)
        if len(calls) == 1:
            raise TimeoutError
        return real_send(self, fail_silently)

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", flaky_send)
    tasks.send_notification_email.enqueue(notification.pk)
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert (notification.email_status, notification.email_attempts, notification.email_error) == (
        EmailStatus.SENT,
        2,
        "",
    )
