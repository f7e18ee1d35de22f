"""A notification is read in its reader's language, whoever caused it and whatever language they use."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import translation

from courses import services as course_services
from notifications import live
from notifications.models import Kind, Notification
from notifications.tasks import _message
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db
STARTS = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # 9:00 in Paris, the institution's time zone


@pytest.fixture
def cancelled(cast, django_capture_on_commit_callbacks, monkeypatch):
    """The teacher, reading English, cancels a session; the parent reads Portuguese, the student French."""
    cast.parent.language, cast.student.language = "pt-br", "fr"
    cast.parent.save(update_fields=["language"])
    cast.student.save(update_fields=["language"])
    cast.session.starts_at = STARTS
    cast.session.save(update_fields=["starts_at"])
    pushed = []
    monkeypatch.setattr(live, "_send", lambda group, html: pushed.append((group, html)))
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        course_services.session_cancel(session=cast.session, reason="Professeur malade")
    return pushed


def notice_of(user):
    return Notification.objects.get(user=user, kind=Kind.SESSION_CANCELLED)


def test_each_reader_sees_it_in_their_language_with_their_date_format(cast, cancelled, client):
    code = cast.course.code
    client.force_login(cast.parent)
    page = client.get(reverse("notifications:list")).text
    assert f"Cancelada: {code} · 24 de Novembro de 2026 09:00" in page and "Professeur malade" in page
    client.force_login(cast.student)
    assert f"Annulée : {code} · 24 novembre 2026 09:00" in client.get(reverse("notifications:list")).text
    with translation.override("en"):
        assert notice_of(cast.parent).title == f"Cancelled: {code} · Nov. 24, 2026 9 a.m."


def test_the_toast_pushed_to_each_reader_is_in_their_language(cast, cancelled):
    toasts = {group: html for group, html in cancelled if group.startswith("user.") and "toast" in html}
    assert "Cancelada:" in toasts[f"user.{cast.parent.pk}"]
    assert "Annulée :" in toasts[f"user.{cast.student.pk}"]


def test_the_email_goes_in_the_recipients_language(cast, cancelled):
    with translation.override("en"):
        message = _message(notice_of(cast.parent))
    assert message.subject == f"[Frequência] Cancelada: {cast.course.code} · 24 de Novembro de 2026 09:00"
    assert "Olá, " in message.body and "Uma aula que você frequenta" in message.body


def test_a_notification_written_before_languages_keeps_its_words(client):
    notice = NotificationFactory(title="Cancelled: MATH101 · Nov. 24, 2026 9 a.m.", body="Teacher ill")
    notice.user.language = "fr"
    notice.user.save(update_fields=["language"])
    client.force_login(notice.user)
    page = client.get(reverse("notifications:list")).text
    assert "Cancelled: MATH101 · Nov. 24, 2026 9 a.m." in page and "Teacher ill" in page
