import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import LockKind, LoginLock, Role, User
from accounts.tests.factories import PASSWORD, StudentFactory, first_institution

pytestmark = pytest.mark.django_db


class TestLogin:
    def test_it_logs_in_with_the_email_in_any_case(self, client):
        student = StudentFactory(email="sam@school.org")
        response = client.post(reverse("accounts:login"), {"username": "SAM@School.org", "password": PASSWORD})
        assert response.status_code == 302
        assert get_user(client) == student

    def test_a_wrong_password_says_so_and_logs_nobody_in(self, client):
        StudentFactory(email="sam@school.org")
        response = client.post(reverse("accounts:login"), {"username": "sam@school.org", "password": "nope"})
        assert response.status_code == 200
        assert "Please enter a correct" in response.text
        assert not get_user(client).is_authenticated

    def test_demo_logins_are_listed_only_in_debug(self, client, settings):
        assert "demo-pass-2026" not in client.get(reverse("accounts:login")).text
        settings.DEBUG = True
        assert "demo-pass-2026" in client.get(reverse("accounts:login")).text

    def test_logging_out_takes_a_post(self, client):
        client.force_login(StudentFactory())
        assert client.post(reverse("accounts:logout")).status_code == 302
        assert not get_user(client).is_authenticated


def log_in(client, email, password, address="127.0.0.1"):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=address)


class TestLoginThrottling:
    ACCOUNT_LOCKED = "Too many failed logins for this account: it is locked for 15 more minutes."
    ADDRESS_LOCKED = "Too many failed logins from your network"

    def fail(self, client, email, times, address="127.0.0.1"):
        for _ in range(times):
            response = log_in(client, email, "wrong-password", address)
            assert response.status_code == 200
        return response

    def test_the_fifth_wrong_password_locks_the_account_and_the_right_one_is_then_refused(self, client):
        student = StudentFactory(email="sam@school.org")
        assert "Please enter a correct" in self.fail(client, "sam@school.org", 4).text
        self.fail(client, "sam@school.org", 1)
        response = log_in(client, "Sam@School.org", PASSWORD)
        assert response.status_code == 200
        assert self.ACCOUNT_LOCKED in response.text
        assert "“Forgot your password?” unlocks it now" in response.text
        assert not get_user(client).is_authenticated
        assert LoginLock.objects.get().value == student.email

    def test_thirty_wrong_passwords_then_the_right_one_logs_nobody_in(self, client):
        StudentFactory(email="sam@school.org")
        self.fail(client, "sam@school.org", 30)
        assert self.ACCOUNT_LOCKED in log_in(client, "sam@school.org", PASSWORD).text
        assert not get_user(client).is_authenticated

    def test_the_lock_holds_from_another_address_and_ends_after_the_lock_minutes(self, client):
        StudentFactory(email="sam@school.org")
        self.fail(client, "sam@school.org", 5)
        assert self.ACCOUNT_LOCKED in log_in(client, "sam@school.org", PASSWORD, "10.0.0.2").text
        with time_machine.travel(timezone.now() + timedelta(minutes=15, seconds=1)):
            assert log_in(client, "sam@school.org", PASSWORD, "10.0.0.2").status_code == 302

    def test_a_right_password_starts_the_count_again(self, client):
        StudentFactory(email="sam@school.org")
        self.fail(client, "sam@school.org", 4)
        assert log_in(Client(), "sam@school.org", PASSWORD).status_code == 302
        self.fail(client, "sam@school.org", 4)
        assert log_in(client, "sam@school.org", PASSWORD).status_code == 302

    def test_other_accounts_behind_the_same_address_still_log_in(self, client):
        StudentFactory(email="sam@school.org")
        other = StudentFactory(email="ann@school.org")
        self.fail(client, "sam@school.org", 10)
        assert log_in(client, "ann@school.org", PASSWORD).status_code == 302
        assert get_user(client) == other

    def test_a_lecture_hall_where_many_mistype_once_still_logs_in(self, client):
        students = StudentFactory.create_batch(60)
        for student in students:
            self.fail(Client(), student.email, 1)
        for student in students:
            assert log_in(Client(), student.email, PASSWORD).status_code == 302

    def test_an_address_is_locked_after_its_limit_of_failures_and_others_are_not(self, client, settings):
        settings.LOGIN_FAILURES_PER_ADDRESS = 10
        students = StudentFactory.create_batch(11)
        for student in students[:10]:
            self.fail(client, student.email, 1, "203.0.113.7")
        response = log_in(client, students[10].email, PASSWORD, "203.0.113.7")
        assert self.ADDRESS_LOCKED in response.text
        assert not get_user(client).is_authenticated
        assert log_in(client, students[10].email, PASSWORD, "198.51.100.1").status_code == 302

    def test_django_admins_login_page_is_throttled_too(self, client):
        from accounts.tests.factories import AdminFactory

        AdminFactory(email="boss@school.org")
        url = reverse("admin:login")
        for _ in range(5):
            client.post(url, {"username": "boss@school.org", "password": "wrong"})
        response = client.post(url, {"username": "boss@school.org", "password": PASSWORD})
        assert self.ACCOUNT_LOCKED in response.text
        assert not get_user(client).is_authenticated

    def test_an_unknown_email_is_answered_and_locked_exactly_like_an_account(self, client):
        StudentFactory(email="sam@school.org")
        answers = {}
        for email in ("sam@school.org", "nobody@school.org"):
            for _ in range(7):
                response = log_in(Client(), email, "wrong-password")
                answers.setdefault(email, []).append((response.status_code, response.context["form"].errors))
        assert answers["sam@school.org"] == answers["nobody@school.org"]
        assert self.ACCOUNT_LOCKED in str(answers["nobody@school.org"][-1])

    def test_password_reset_answers_alike_for_a_locked_account_and_no_account(self, client, mailoutbox):
        StudentFactory(email="sam@school.org")
        self.fail(client, "sam@school.org", 5)
        self.fail(client, "nobody@school.org", 5)
        answers = [
            client.post(reverse("accounts:password_reset"), {"email": email}, follow=True)
            for email in ("sam@school.org", "nobody@school.org")
        ]
        assert answers[0].redirect_chain == answers[1].redirect_chain
        token = re.compile(r"[A-Za-z0-9]{64}")  # the CSRF token differs between any two pages
        assert token.sub("", answers[0].text) == token.sub("", answers[1].text)
        assert [m.to for m in mailoutbox] == [["sam@school.org"]]

    def test_a_new_password_through_the_reset_link_unlocks_the_account(self, client, mailoutbox):
        StudentFactory(email="sam@school.org")
        self.fail(client, "sam@school.org", 5)
        client.post(reverse("accounts:password_reset"), {"email": "sam@school.org"})
        link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mailoutbox[0].body).group(1)
        form_page = client.get(link, follow=True)
        new = "a-brand-new-passphrase-42"
        client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
        assert not LoginLock.objects.filter(kind=LockKind.ACCOUNT).exists()
        assert log_in(client, "sam@school.org", new).status_code == 302


class TestProfile:
    def test_it_saves_the_name(self, client):
        user = StudentFactory()
        client.force_login(user)
        response = client.post(reverse("accounts:profile"), {"first_name": "New", "last_name": "Name"})
        assert response.status_code == 302
        user.refresh_from_db()
        assert (user.first_name, user.last_name) == ("New", "Name")

    @pytest.mark.parametrize(
        ("name", "why"),
        [
            ("Bernard\r\nBcc: all@school.org", "control characters are not allowed"),
            ("Tab\there", "control characters are not allowed"),
            ("Nul\x00", "Null characters are not allowed"),
        ],
    )
    def test_a_name_with_a_line_break_or_control_character_is_refused(self, client, name, why):
        user = StudentFactory(last_name="Kept")
        client.force_login(user)
        response = client.post(reverse("accounts:profile"), {"first_name": "Ann", "last_name": name})
        assert response.status_code == 200
        assert why in response.text
        user.refresh_from_db()
        assert user.last_name == "Kept"

    def test_a_blank_name_is_refused(self, client):
        user = StudentFactory(first_name="Kept")
        client.force_login(user)
        response = client.post(reverse("accounts:profile"), {"first_name": "", "last_name": "X"})
        assert response.status_code == 200
        assert "This field is required" in response.text
        user.refresh_from_db()
        assert user.first_name == "Kept"


class TestPasswords:
    def test_password_change_applies_the_validators(self, client):
        user = StudentFactory()
        client.force_login(user)
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
        )
        assert response.status_code == 200
        assert "too short" in response.text
        user.refresh_from_db()
        assert user.check_password(PASSWORD)

    def test_password_reset_mails_a_link_that_sets_a_new_password(self, client, mailoutbox):
        user = StudentFactory(email="sam@school.org")
        client.post(reverse("accounts:password_reset"), {"email": "sam@school.org"})
        assert len(mailoutbox) == 1
        message = mailoutbox[0]
        assert message.to == ["sam@school.org"]
        link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)
        form_page = client.get(link, follow=True)
        assert "Choose a new password" in form_page.text
        new = "a-brand-new-passphrase-42"
        client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
        user.refresh_from_db()
        assert user.check_password(new)


class TestRegistration:
    def test_it_is_off_by_default(self, client):
        assert client.get(reverse("accounts:register")).status_code == 404

    def test_when_on_it_creates_a_student_and_logs_them_in(self, client, settings):
        settings.ALLOW_STUDENT_REGISTRATION = True
        data = {
            "email": "New@School.org",
            "first_name": "New",
            "last_name": "Student",
            "student_number": "S777",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        }
        response = client.post(reverse("accounts:register"), data)
        assert response.status_code == 302
        user = User.objects.get(email="new@school.org")
        assert user.role == Role.STUDENT
        assert get_user(client) == user

    def test_a_taken_email_or_weak_password_is_refused(self, client, settings):
        settings.ALLOW_STUDENT_REGISTRATION = True
        StudentFactory(email="taken@school.org")
        data = {
            "email": "TAKEN@school.org",
            "first_name": "A",
            "last_name": "B",
            "student_number": "S778",
            "password1": "password",
            "password2": "password",
        }
        response = client.post(reverse("accounts:register"), data)
        assert "already exists" in response.text
        assert "too common" in response.text
        assert User.objects.count() == 1


def test_an_imported_user_sets_a_first_password_through_the_reset_link(client, mailoutbox):
    from accounts.services import users_import_csv

    users_import_csv(
        institution=first_institution(),
        text="email,first_name,last_name,role,student_number\nnew@school.org,New,One,teacher,\n",
    )
    client.post(reverse("accounts:password_reset"), {"email": "NEW@school.org"})
    assert [m.to for m in mailoutbox] == [["new@school.org"]]


class TestSocketsEnd:
    def test_logging_out_closes_the_users_sockets(self, client, closed_sockets):
        user = StudentFactory()
        client.force_login(user)
        client.post(reverse("accounts:logout"))
        assert closed_sockets == [user.pk]

    def test_a_new_password_closes_the_users_sockets(self, client, closed_sockets):
        user = StudentFactory()
        client.force_login(user)
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": "a-new-pass-2026!", "new_password2": "a-new-pass-2026!"},
        )
        assert response.status_code == 302
        assert closed_sockets == [user.pk]

    def test_a_new_password_through_the_reset_link_closes_the_users_sockets(self, client, closed_sockets, mailoutbox):
        user = StudentFactory(email="sam@school.org")
        client.post(reverse("accounts:password_reset"), {"email": "sam@school.org"})
        link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mailoutbox[0].body).group(1)
        form_page = client.get(link, follow=True)
        new = "a-brand-new-passphrase-42"
        client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
        assert closed_sockets == [user.pk]
