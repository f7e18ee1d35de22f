from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginLock, ParentLink, User
from accounts.services import parent_link_add
from accounts.tests.factories import PASSWORD, AdminFactory, ParentFactory, StudentFactory

pytestmark = pytest.mark.django_db


def upload(text):
    return SimpleUploadedFile("users.csv", text.encode(), content_type="text/csv")


@pytest.fixture
def admin_client(client):
    client.force_login(AdminFactory())
    return client


def test_the_user_list_links_to_the_csv_import(admin_client):
    response = admin_client.get(reverse("admin:accounts_user_changelist"))
    assert reverse("admin:accounts_user_import") in response.text


def test_a_good_csv_creates_the_users(admin_client):
    csv = "email,first_name,last_name,role,student_number\nann@s.org,Ann,Lee,student,S1\npa@s.org,Pa,Lee,parent,\n"
    response = admin_client.post(reverse("admin:accounts_user_import"), {"upload": upload(csv)})
    assert response.status_code == 302
    assert User.objects.filter(email__in=["ann@s.org", "pa@s.org"]).count() == 2


def test_a_bad_line_is_reported_and_nothing_is_imported(admin_client):
    csv = "email,first_name,last_name,role,student_number\nann@s.org,Ann,Lee,student,S1\nbad,B,C,student,S2\n"
    response = admin_client.post(reverse("admin:accounts_user_import"), {"upload": upload(csv)})
    assert response.status_code == 200
    assert "Line 3:" in response.text
    assert not User.objects.filter(email="ann@s.org").exists()


@pytest.fixture
def service_spy():
    with mock.patch("accounts.admin.parent_link_add", wraps=parent_link_add) as spy:
        yield spy


@pytest.fixture
def linked_meanwhile(monkeypatch):
    """Another administrator links a parent to the same child after this page's form was checked and before
    it is saved: only the service, under its lock, can see it."""

    def late(*, parent, child):
        ParentLink.objects.create(parent=ParentFactory(), child=child)
        return parent_link_add(parent=parent, child=child)

    monkeypatch.setattr("accounts.admin.parent_link_add", late)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def parent_page_data(parent, *, first_name, children):
    """The parent's change page as posted, with one new child row per child."""
    joined = timezone.localtime(parent.date_joined)
    data = {
        "email": parent.email,
        "first_name": first_name,
        "last_name": parent.last_name,
        "role": parent.role,
        "is_active": "on",
        "date_joined_0": joined.date().isoformat(),
        "date_joined_1": joined.time().isoformat(timespec="seconds"),
        "child_links-TOTAL_FORMS": str(len(children)),
        "child_links-INITIAL_FORMS": "0",
        "child_links-MIN_NUM_FORMS": "0",
        "child_links-MAX_NUM_FORMS": "1000",
    }
    for number, child in enumerate(children):
        data[f"child_links-{number}-child"] = child.pk
    return data


class TestParentLinkAdmin:
    def test_a_link_is_added_through_the_service(self, admin_client, service_spy):
        parent, child = ParentFactory(), StudentFactory()
        response = admin_client.post(reverse("admin:accounts_parentlink_add"), {"parent": parent.pk, "child": child.pk})
        assert response.status_code == 302
        service_spy.assert_called_once_with(parent=parent, child=child)
        assert list(parent.children.all()) == [child]

    def test_the_form_refuses_a_third_parent(self, admin_client):
        child = StudentFactory()
        ParentFactory(children=[child])
        ParentFactory(children=[child])
        third = ParentFactory()
        response = admin_client.post(reverse("admin:accounts_parentlink_add"), {"parent": third.pk, "child": child.pk})
        assert "already has two parents linked" in response.text
        assert ParentLink.objects.filter(child=child).count() == 2

    def test_a_parent_linked_meanwhile_is_refused_with_a_message(self, admin_client, linked_meanwhile):
        child = StudentFactory()
        ParentFactory(children=[child])
        third = ParentFactory()
        url = reverse("admin:accounts_parentlink_add")
        response = admin_client.post(url, {"parent": third.pk, "child": child.pk}, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain == [(url, 302)]
        assert any("already has two parents linked" in message for message in messages_of(response))
        assert not ParentLink.objects.filter(parent=third).exists()

    def test_a_link_cannot_be_edited_only_deleted(self, admin_client):
        child, other = StudentFactory(), StudentFactory()
        parent = ParentFactory(children=[child])
        link = ParentLink.objects.get(parent=parent)
        change = reverse("admin:accounts_parentlink_change", args=[link.pk])
        assert admin_client.post(change, {"parent": parent.pk, "child": other.pk}).status_code == 403
        admin_client.post(reverse("admin:accounts_parentlink_delete", args=[link.pk]), {"post": "yes"})
        assert not ParentLink.objects.exists()


class TestChildrenOnTheParentsPage:
    def test_a_child_added_there_is_linked_through_the_service(self, admin_client, service_spy):
        parent, child = ParentFactory(), StudentFactory()
        url = reverse("admin:accounts_user_change", args=[parent.pk])
        response = admin_client.post(url, parent_page_data(parent, first_name="Paula", children=[child]))
        assert response.status_code == 302, response.context["errors"]
        service_spy.assert_called_once_with(parent=parent, child=child)
        assert list(parent.children.all()) == [child]

    def test_a_parent_linked_meanwhile_undoes_the_save_and_says_why(self, admin_client, linked_meanwhile):
        child = StudentFactory()
        ParentFactory(children=[child])
        parent = ParentFactory(first_name="Pat")
        url = reverse("admin:accounts_user_change", args=[parent.pk])
        response = admin_client.post(
            url, parent_page_data(parent, first_name="Patricia", children=[child]), follow=True
        )
        assert response.redirect_chain == [(url, 302)]
        assert any("already has two parents linked" in message for message in messages_of(response))
        parent.refresh_from_db()
        assert parent.first_name == "Pat"
        assert not parent.children.exists()

    def test_existing_children_are_shown_read_only(self, admin_client):
        child = StudentFactory()
        parent = ParentFactory(children=[child])
        response = admin_client.get(reverse("admin:accounts_user_change", args=[parent.pk]))
        assert str(child) in response.text
        assert 'name="child_links-0-child"' not in response.text


class TestLoginLocks:
    """`admin_client` is the administrator's browser, `Client()` the locked person's."""

    def lock(self, client, email):
        for _ in range(5):
            client.post(reverse("accounts:login"), {"username": email, "password": "wrong"})
        return LoginLock.objects.get(value=email)

    def test_an_administrator_unlocks_an_account_and_its_owner_logs_in_at_once(self, admin_client):
        client = Client()
        StudentFactory(email="sam@school.org")
        lock = self.lock(client, "sam@school.org")
        page = admin_client.get(reverse("admin:accounts_loginlock_changelist"))
        assert "sam@school.org" in page.text
        response = admin_client.post(
            reverse("admin:accounts_loginlock_changelist"),
            {"action": "unlock", "_selected_action": [lock.pk]},
            follow=True,
        )
        assert "1 lock lifted." in response.text
        assert not LoginLock.objects.exists()
        login = client.post(reverse("accounts:login"), {"username": "sam@school.org", "password": PASSWORD})
        assert login.status_code == 302

    def test_deleting_a_lock_in_admin_unlocks_too(self, admin_client):
        client = Client()
        StudentFactory(email="sam@school.org")
        lock = self.lock(client, "sam@school.org")
        admin_client.post(reverse("admin:accounts_loginlock_delete", args=[lock.pk]), {"post": "yes"})
        login = client.post(reverse("accounts:login"), {"username": "sam@school.org", "password": PASSWORD})
        assert login.status_code == 302

    def test_locks_are_not_added_or_edited_by_hand(self, admin_client):
        assert admin_client.get(reverse("admin:accounts_loginlock_add")).status_code == 403


def user_form(user, **changes):
    """The POST of the user's admin page as it stands, with `changes`."""
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "student_number": user.student_number or "",
        "is_active": "on",
        "date_joined_0": timezone.localtime(user.date_joined).strftime("%Y-%m-%d"),
        "date_joined_1": "00:00:00",
        "child_links-TOTAL_FORMS": 0,
        "child_links-INITIAL_FORMS": 0,
    }
    return {name: value for name, value in (data | changes).items() if value is not None}


class TestRightsChangedInAdminEndSockets:
    def test_a_role_change_closes_the_users_sockets(self, admin_client, closed_sockets):
        user = ParentFactory()
        response = admin_client.post(
            reverse("admin:accounts_user_change", args=[user.pk]), user_form(user, role="teacher")
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.role == "teacher"
        assert closed_sockets == [user.pk]

    def test_deactivating_an_account_closes_its_sockets(self, admin_client, closed_sockets):
        user = ParentFactory()
        response = admin_client.post(
            reverse("admin:accounts_user_change", args=[user.pk]), user_form(user, is_active=None)
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert not user.is_active
        assert closed_sockets == [user.pk]

    def test_a_new_name_leaves_the_sockets_open(self, admin_client, closed_sockets):
        user = ParentFactory()
        response = admin_client.post(
            reverse("admin:accounts_user_change", args=[user.pk]), user_form(user, first_name="Renamed")
        )
        assert response.status_code == 302
        assert closed_sockets == []

    def test_deleting_accounts_closes_their_sockets(self, admin_client, closed_sockets):
        first, second, third = ParentFactory(), ParentFactory(), ParentFactory()
        admin_client.post(reverse("admin:accounts_user_delete", args=[first.pk]), {"post": "yes"})
        admin_client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "delete_selected", "_selected_action": [second.pk, third.pk], "post": "yes"},
        )
        assert sorted(closed_sockets) == sorted([first.pk, second.pk, third.pk])
        assert not User.objects.filter(pk__in=closed_sockets).exists()


def test_a_password_set_by_an_administrator_closes_the_sockets_and_lifts_the_lock(admin_client, closed_sockets):
    user = StudentFactory(email="sam@school.org")
    for _ in range(5):
        Client().post(reverse("accounts:login"), {"username": "sam@school.org", "password": "wrong"})
    assert LoginLock.objects.filter(value="sam@school.org").exists()
    new = "set-by-the-office-2026"
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert closed_sockets == [user.pk]
    assert not LoginLock.objects.exists()
    assert Client().post(reverse("accounts:login"), {"username": "sam@school.org", "password": new}).status_code == 302


class TestUnlinkingEndsTheParentsSockets:
    def test_deleting_a_link_closes_the_parents_sockets(self, admin_client, closed_sockets, cast):
        link = ParentLink.objects.get(parent=cast.parent, child=cast.student)
        response = admin_client.post(reverse("admin:accounts_parentlink_delete", args=[link.pk]), {"post": "yes"})
        assert response.status_code == 302
        assert not ParentLink.objects.filter(pk=link.pk).exists()
        assert closed_sockets == [cast.parent.pk]

    def test_deleting_links_in_bulk_closes_each_parents_sockets(self, admin_client, closed_sockets, cast):
        links = ParentLink.objects.filter(parent__in=[cast.parent, cast.other_parent])
        data = {"action": "delete_selected", "post": "yes", "_selected_action": [link.pk for link in links]}
        admin_client.post(reverse("admin:accounts_parentlink_changelist"), data)
        assert not ParentLink.objects.exists()
        assert sorted(closed_sockets) == sorted([cast.parent.pk, cast.other_parent.pk])
