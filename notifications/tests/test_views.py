import pytest
from django.urls import reverse

from accounts.tests.factories import StudentFactory
from notifications.models import Kind, Preference
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(client):
    user = StudentFactory()
    client.force_login(user)
    return user


def test_the_centre_lists_unread_first_then_newest(client, user):
    old_unread = NotificationFactory(user=user, title="old unread")
    NotificationFactory(user=user, title="new read", read_at="2026-01-01T00:00Z")
    new_unread = NotificationFactory(user=user, title="new unread")
    NotificationFactory(title="someone else's")
    response = client.get(reverse("notifications:list"))
    titles = [n.title for n in response.context["page"]]
    assert titles == [new_unread.title, old_unread.title, "new read"]
    assert "someone else" not in response.text


def test_it_filters_by_kind_and_unread(client, user):
    NotificationFactory(user=user, kind=Kind.SESSION_CANCELLED, title="cancelled")
    NotificationFactory(user=user, kind=Kind.LOW_ATTENDANCE, title="low", read_at="2026-01-01T00:00Z")
    assert [n.title for n in client.get(reverse("notifications:list"), {"kind": "low_attendance"}).context["page"]] == [
        "low"
    ]
    assert [n.title for n in client.get(reverse("notifications:list"), {"unread": "1"}).context["page"]] == [
        "cancelled"
    ]


def test_it_pages_by_twenty(client, user):
    NotificationFactory.create_batch(25, user=user)
    response = client.get(reverse("notifications:list"), {"page": 2})
    assert len(response.context["page"]) == 5


def test_opening_one_marks_it_read_and_goes_to_its_page(client, user):
    notification = NotificationFactory(user=user, url="/courses/")
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response.url == "/courses/"
    notification.refresh_from_db()
    assert not notification.is_unread


def test_an_outside_link_is_not_followed(client, user):
    notification = NotificationFactory(user=user, url="https://evil.example/")
    assert client.post(reverse("notifications:open", args=[notification.pk])).url == reverse("notifications:list")


def test_another_users_notification_is_not_found(client, user):
    notification = NotificationFactory()
    assert client.post(reverse("notifications:open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.is_unread


def test_the_navigation_shows_the_unread_count(client, user):
    NotificationFactory.create_batch(3, user=user)
    assert '<span id="unread-count" class="badge rounded-pill text-bg-danger"' in client.get(reverse("home")).text


def test_mark_all_read(client, user):
    NotificationFactory.create_batch(3, user=user)
    client.post(reverse("notifications:read_all"))
    assert not user.notifications.filter(read_at__isnull=True).exists()


def test_preferences_are_saved_from_the_profile_page(client, user):
    assert reverse("notifications:preferences") in client.get(reverse("accounts:profile")).text
    response = client.post(
        reverse("notifications:preferences"), {"email_kinds": ["low_attendance"]}, headers={"HX-Request": "true"}
    )
    assert "Preferences saved." in response.text
    assert set(Preference.objects.filter(user=user, by_email=True).values_list("kind", flat=True)) == {"low_attendance"}
    response = client.post(reverse("notifications:preferences"), {"email_kinds": ["nonsense"]})
    assert "Select a valid choice" in response.text
