"""A notification email through a real SMTP server: recipient, subject and link as they arrive."""

import pytest
from django.db import transaction

from accounts.tests.factories import StudentFactory
from notifications.models import Kind
from notifications.services import notify
from notifications.texts import written
from tests.smtp import smtp_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_email_arrives_with_recipient_subject_and_link(smtp_server):  # noqa: F811
    user = StudentFactory(email="sam@school.org")
    with transaction.atomic():
        notify(
            user,
            Kind.JUSTIFICATION_DENIED,
            written("Your justification was denied", "No document"),
            "/justifications/3/",
        )
    [received] = smtp_server.messages
    assert received["to"] == ["sam@school.org"]
    message = received["message"]
    assert message["Subject"] == "[Attendance] Your justification was denied"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "http://127.0.0.1:8000/justifications/3/" in text
    assert 'href="http://127.0.0.1:8000/justifications/3/"' in html


def test_an_smtp_server_that_is_down_does_not_break_the_action(settings, caplog):
    from tests.live import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    user = StudentFactory()
    with transaction.atomic():
        notification = notify(user, Kind.SESSION_CANCELLED, written("x"))
    assert notification.pk
    assert "Sending notification" in caplog.text
