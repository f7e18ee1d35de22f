import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts import selectors
from accounts.tests.factories import PASSWORD, StudentFactory

pytestmark = pytest.mark.django_db


def page_language(response):
    """The language a page says it is in (<html lang>) and the header that goes with it."""
    start = response.text.index('<html lang="') + len('<html lang="')
    lang = response.text[start : response.text.index('"', start)]
    assert response.headers["Content-Language"] == lang
    return lang


class TestWhichLanguage:
    def test_a_visitor_gets_the_institution_default(self, client):
        response = client.get(reverse("accounts:login"), headers={"accept-language": "fr"})
        assert page_language(response) == settings.LANGUAGE_CODE == selectors.default_language()

    def test_the_login_page_switch_keeps_the_choice_for_the_next_pages(self, client):
        login = reverse("accounts:login")
        assert 'value="pt-br"' in client.get(login).text
        response = client.post(reverse("accounts:set_language"), {"language": "pt-br", "next": login})
        assert response.status_code == 302 and response.url == login
        assert page_language(client.get(login)) == "pt-br"

    def test_the_switch_ignores_a_language_the_site_does_not_offer(self, client):
        client.post(reverse("accounts:set_language"), {"language": "de", "next": "/"})
        assert page_language(client.get(reverse("accounts:login"))) == "en"

    def test_a_forged_cookie_falls_back_to_the_default(self, client):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
        assert page_language(client.get(reverse("accounts:login"))) == "en"

    def test_the_users_own_language_wins_over_the_switch(self, client):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt-br"
        client.force_login(StudentFactory(language="fr"))
        assert page_language(client.get(reverse("accounts:profile"))) == "fr"

    def test_a_user_who_chose_none_keeps_the_switch_then_the_default(self, client):
        client.force_login(StudentFactory(language=""))
        assert page_language(client.get(reverse("accounts:profile"))) == "en"
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        assert page_language(client.get(reverse("accounts:profile"))) == "fr"

    def test_the_switch_changes_nothing_on_a_get_or_without_its_csrf_token(self, client):
        client.get(reverse("accounts:set_language"), {"language": "fr"})
        assert page_language(client.get(reverse("accounts:login"))) == "en"
        forged = Client(enforce_csrf_checks=True)
        assert forged.post(reverse("accounts:set_language"), {"language": "fr"}).status_code == 403
        assert settings.LANGUAGE_COOKIE_NAME not in forged.cookies


class TestProfileLanguage:
    def test_a_user_picks_their_language_on_the_profile_page(self, client):
        student = StudentFactory(language="")
        client.force_login(student)
        page = client.get(reverse("accounts:profile")).text
        assert "Português Brasileiro" in page and "Français" in page and "(English)" in page
        data = {"first_name": student.first_name, "last_name": student.last_name, "language": "pt-br"}
        client.post(reverse("accounts:profile"), data)
        student.refresh_from_db()
        assert student.language == "pt-br" and student.reading_language == "pt-br"
        assert page_language(client.get(reverse("accounts:profile"))) == "pt-br"

    def test_a_language_the_site_does_not_offer_is_refused(self, client):
        student = StudentFactory(language="")
        client.force_login(student)
        data = {"first_name": "A", "last_name": "B", "language": "de"}
        response = client.post(reverse("accounts:profile"), data)
        assert response.status_code == 200 and "Select a valid choice" in response.text
        student.refresh_from_db()
        assert student.language == ""

    def test_an_empty_choice_reads_in_the_default(self):
        assert StudentFactory(language="").reading_language == selectors.default_language()


class TestTranslatedPages:
    def test_the_login_page_reads_in_the_language_picked(self, client):
        client.post(reverse("accounts:set_language"), {"language": "pt-br"})
        page = client.get(reverse("accounts:login")).text
        assert "Entrar" in page and "Esqueceu sua senha?" in page
        client.post(reverse("accounts:set_language"), {"language": "fr"})
        assert "Mot de passe oublié ?" in client.get(reverse("accounts:login")).text

    def test_a_form_error_reads_in_the_users_language(self, client):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        response = client.post(reverse("accounts:login"), {"username": "nobody@school.org", "password": "x"})
        assert "Remarquez que chacun de ces champs est sensible à la casse" in response.text

    def test_the_password_reset_email_goes_in_the_accounts_language(self, client, mailoutbox):
        StudentFactory(email="ana@school.org", language="pt-br")
        client.post(reverse("accounts:password_reset"), {"email": "ana@school.org"})
        assert mailoutbox[0].subject == "Redefina sua senha de frequência"

    def test_plurals_follow_the_language(self):
        from django.utils import translation
        from django.utils.translation import ngettext

        singular, plural = "%(count)d lock lifted.", "%(count)d locks lifted."
        with translation.override("fr"):
            assert [ngettext(singular, plural, n) % {"count": n} for n in (0, 1, 2)] == [
                "0 blocage levé.",
                "1 blocage levé.",
                "2 blocages levés.",
            ]
        with translation.override("en"):
            assert ngettext(singular, plural, 0) % {"count": 0} == "0 locks lifted."


class TestLanguageAdoptedAtLogin:
    def test_the_language_picked_on_the_login_page_becomes_the_users_if_they_had_none(self, client):
        student = StudentFactory(email="ana@school.org", language="")
        client.post(reverse("accounts:set_language"), {"language": "pt-br"})
        client.post(reverse("accounts:login"), {"username": "ana@school.org", "password": PASSWORD})
        student.refresh_from_db()
        assert student.language == "pt-br"

    def test_a_users_own_language_is_kept(self, client):
        student = StudentFactory(email="ana@school.org", language="fr")
        client.post(reverse("accounts:set_language"), {"language": "pt-br"})
        client.post(reverse("accounts:login"), {"username": "ana@school.org", "password": PASSWORD})
        student.refresh_from_db()
        assert student.language == "fr"
