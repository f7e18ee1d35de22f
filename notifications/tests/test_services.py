from unittest.mock import patch

import pytest
from django.core import mail

from accounts.tests.factories import StudentFactory
from notifications import live, selectors, services
from notifications.models import EmailStatus, Kind, Notification, Preference
from notifications.texts import written

pytestmark = pytest.mark.django_db


@pytest.fixture
def pushed(monkeypatch):
    messages = []
    monkeypatch.setattr(live, "_send", lambda group, html: messages.append((group, html)))
    return messages


class TestNotify:
    def test_it_stores_pushes_after_commit_and_emails(self, pushed, django_capture_on_commit_callbacks):
        user = StudentFactory(email="sam@s.org")
        with django_capture_on_commit_callbacks(execute=True):
            notification = services.notify(
                user, Kind.SESSION_CANCELLED, written("MATH101 is cancelled", "Ill"), "/courses/1/"
            )
        assert Notification.objects.get() == notification
        assert pushed[0][0] == f"user.{user.pk}"
        assert 'id="unread-count"' in pushed[0][1] and ">1</span>" in pushed[0][1]
        assert "MATH101 is cancelled" in pushed[0][1]
        assert pushed[1][0] == f"user.{user.pk}.notifications" and 'id="notification-' in pushed[1][1]
        assert [m.to for m in mail.outbox] == [["sam@s.org"]]
        assert "http://127.0.0.1:8000/courses/1/" in mail.outbox[0].body

    def test_nothing_is_pushed_or_sent_when_the_action_rolls_back(self, pushed, django_capture_on_commit_callbacks):
        user = StudentFactory()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.notify(user, Kind.SESSION_CANCELLED, written("x"))
        assert pushed == [] and mail.outbox == []
        assert len(callbacks) == 3

    def test_an_email_that_cannot_be_queued_is_recorded_as_failed(self, pushed, django_capture_on_commit_callbacks):
        user = StudentFactory()
        with (
            patch("notifications.tasks.send_notification_email") as task,
            django_capture_on_commit_callbacks(execute=True),
        ):
            task.enqueue.side_effect = ConnectionError("queue down")
            notification = services.notify(user, Kind.SESSION_CANCELLED, written("x"))
        notification.refresh_from_db()
        assert (notification.email_status, notification.email_error) == (
            EmailStatus.FAILED,
            "ConnectionError('queue down')",
        )

    def test_a_kind_the_user_wants_in_app_only_is_not_emailed(self, pushed, django_capture_on_commit_callbacks):
        user = StudentFactory()
        services.preferences_save(user=user, email_kinds=set())
        with django_capture_on_commit_callbacks(execute=True):
            services.notify(user, Kind.SESSION_CANCELLED, written("x"))
        assert mail.outbox == []
        assert [group for group, _html in pushed] == [f"user.{user.pk}", f"user.{user.pk}.notifications"]

    def test_validated_check_ins_are_in_app_only_by_default(self):
        assert Kind.CHECKIN_VALIDATED not in selectors.email_kinds(StudentFactory())

    def test_notify_many_costs_the_same_queries_for_many_users(self, pushed, django_assert_max_num_queries):
        users = StudentFactory.create_batch(30)
        with django_assert_max_num_queries(6):
            services.notify_many(users, Kind.SESSION_CANCELLED, written("x"))


class TestReading:
    def test_marking_all_read_updates_the_badge(self, pushed, django_capture_on_commit_callbacks):
        user = StudentFactory()
        services.notify_many([user], Kind.SESSION_CANCELLED, written("a"))
        services.notify_many([user], Kind.SESSION_RESTORED, written("b"))
        with django_capture_on_commit_callbacks(execute=True):
            assert services.notifications_mark_all_read(user=user) == 2
        assert selectors.unread_count(user) == 0
        assert 'class="badge rounded-pill text-bg-danger d-none"' in pushed[-1][1]


def test_preferences_are_kept_per_kind():
    user = StudentFactory()
    services.preferences_save(user=user, email_kinds={Kind.LOW_ATTENDANCE})
    assert selectors.email_kinds(user) == {Kind.LOW_ATTENDANCE}
    assert Preference.objects.filter(user=user).count() == len(Kind)
