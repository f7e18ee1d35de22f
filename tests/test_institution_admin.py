"""Django admin with two institutions: an institution's administrators keep only their own (lists, searches,
filters, foreign-key choices, autocompletes and bulk actions); a platform administrator (superuser) creates
institutions with their first administrator and sees them all."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Institution, Role, User
from accounts.tests.factories import PASSWORD, PlatformAdminFactory
from courses.models import Course
from courses.tests.factories import TermFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, cast, elsewhere):
    client.force_login(cast.admin)
    return client


def test_every_list_holds_only_the_administrators_institution(admin_client, cast, elsewhere):
    users = admin_client.get(reverse("admin:accounts_user_changelist")).text
    assert cast.student.email in users and elsewhere.student.email not in users
    courses = admin_client.get(reverse("admin:courses_course_changelist")).text
    assert cast.course.code in courses and elsewhere.course.code not in courses
    for model in ("courses_enrollment", "courses_classsession", "attendance_attendancerecord", "behaviour_category"):
        response = admin_client.get(reverse(f"admin:{model}_changelist"))
        assert response.context["cl"].result_count == response.context["cl"].queryset.count()
        assert all(_institution(row) == cast.institution for row in response.context["cl"].queryset)


def _institution(row):
    for path in ("institution", "course.institution", "session.course.institution"):
        value = row
        try:
            for name in path.split("."):
                value = getattr(value, name)
        except AttributeError:
            continue
        return value
    raise AssertionError(row)


def test_a_search_finds_nobody_of_another_institution(admin_client, elsewhere):
    response = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": elsewhere.student.email})
    assert response.context["cl"].result_count == 0


def test_a_row_of_another_institution_is_not_found_by_its_address(admin_client, elsewhere):
    response = admin_client.get(reverse("admin:courses_course_change", args=[elsewhere.course.pk]))
    assert response.status_code == 302  # Django admin's "does not exist" goes back to the index
    assert elsewhere.course.pk not in [
        c.pk for c in admin_client.get(reverse("admin:courses_course_changelist")).context["cl"].queryset
    ]


def test_foreign_key_choices_and_filters_are_narrowed(admin_client, cast, elsewhere):
    TermFactory(year__institution=elsewhere.institution, name="Their term")
    mine = TermFactory(year__institution=cast.institution, name="Our term")
    form = admin_client.get(reverse("admin:courses_course_add")).context["adminform"].form
    assert set(form.fields["teachers"].queryset) == {cast.teacher, cast.other_teacher}
    assert list(form.fields["term"].queryset) == [mine]
    assert "institution" not in form.fields
    response = admin_client.get(reverse("admin:courses_enrollment_changelist"))
    [course_filter] = [f for f in response.context["cl"].filter_specs if getattr(f, "field_path", "") == "course"]
    offered = {str(pk) for pk, _label in course_filter.lookup_choices}
    assert str(elsewhere.course.pk) not in offered and str(cast.course.pk) in offered


def test_an_autocomplete_offers_nobody_of_another_institution(admin_client, cast, elsewhere):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "courses", "model_name": "enrollment", "field_name": "student", "term": ""},
    )
    ids = {int(row["id"]) for row in response.json()["results"]}
    assert cast.student.pk in ids and elsewhere.student.pk not in ids


def test_a_bulk_action_reaches_no_row_of_another_institution(admin_client, cast, elsewhere):
    response = admin_client.post(
        reverse("admin:accounts_contact_changelist"),
        {"action": "delete_selected", "_selected_action": [elsewhere.student.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    admin_client.post(
        reverse("admin:courses_course_changelist"),
        {"action": "delete_selected", "_selected_action": [elsewhere.other_course.pk], "post": "yes"},
    )
    assert Course.objects.filter(pk=elsewhere.other_course.pk).exists()


def test_an_institutions_administrator_adds_people_to_their_own_and_grants_no_platform_rights(admin_client, cast):
    form = admin_client.get(reverse("admin:accounts_user_add")).context["adminform"].form
    assert "institution" not in form.fields
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new.teacher@school.org",
            "first_name": "New",
            "last_name": "Teacher",
            "role": Role.TEACHER,
            "password1": "a-long-enough-Passw0rd",
            "password2": "a-long-enough-Passw0rd",
            "is_superuser": "on",
            "child_links-TOTAL_FORMS": 0,
            "child_links-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    created = User.objects.get(email="new.teacher@school.org")
    assert created.institution == cast.institution and not created.is_superuser
    change = admin_client.get(reverse("admin:accounts_user_change", args=[created.pk])).context["adminform"].form
    assert not {"is_superuser", "groups", "user_permissions", "institution"} & set(change.fields)


def test_an_institutions_administrator_keeps_their_settings_and_makes_no_institution(admin_client, cast, elsewhere):
    listed = admin_client.get(reverse("admin:accounts_institution_changelist")).context["cl"].queryset
    assert list(listed) == [cast.institution]
    assert admin_client.get(reverse("admin:accounts_institution_add")).status_code == 403
    page = reverse("admin:accounts_institution_change", args=[elsewhere.institution.pk])
    assert admin_client.get(page).status_code == 302
    data = (
        admin_client.get(reverse("admin:accounts_institution_change", args=[cast.institution.pk]))
        .context["adminform"]
        .form.initial
    )
    data = {key: value for key, value in data.items() if value is not None and key != "id"}
    data.update(escalation_days=14, parents_see_negative="")
    response = admin_client.post(reverse("admin:accounts_institution_change", args=[cast.institution.pk]), data)
    assert response.status_code == 302
    cast.institution.refresh_from_db()
    assert (cast.institution.escalation_days, cast.institution.parents_see_negative) == (14, False)


def test_a_platform_administrator_creates_an_institution_and_its_first_administrator(client, cast, elsewhere):
    client.force_login(PlatformAdminFactory())
    assert set(client.get(reverse("admin:accounts_institution_changelist")).context["cl"].queryset) == {
        cast.institution,
        elsewhere.institution,
    }
    response = client.post(
        reverse("admin:accounts_institution_add"),
        {
            "name": "Lycée du Parc",
            "short_name": "PARC",
            "time_zone": "Europe/Paris",
            "language": "en",
            "admin_email": "Director@Parc.fr",
            "admin_first_name": "Dora",
            "admin_last_name": "Director",
        },
    )
    assert response.status_code == 302
    institution = Institution.objects.get(short_name="PARC")
    director = User.objects.get(email="director@parc.fr")
    assert (director.institution, director.role, director.is_staff) == (institution, Role.ADMIN, True)
    assert not director.is_superuser and not director.has_usable_password()
    # The new institution starts with the default behaviour categories.
    assert institution.behaviour_categories.count() == 8


def test_a_bad_time_zone_is_refused_with_a_message(client, db):
    client.force_login(PlatformAdminFactory())
    response = client.post(
        reverse("admin:accounts_institution_add"),
        {
            "name": "Nowhere",
            "short_name": "NOW",
            "time_zone": "Mars/Olympus",
            "language": "en",
            "admin_email": "x@now.org",
            "admin_first_name": "X",
            "admin_last_name": "Y",
        },
    )
    assert response.status_code == 200
    assert "Mars/Olympus is not a time zone" in response.text
    assert not Institution.objects.filter(short_name="NOW").exists()


def test_unused_accounts_are_listed_and_deactivated_in_bulk(admin_client, cast, elsewhere, closed_sockets):
    long_ago = timezone.now() - timedelta(days=400)
    User.objects.filter(pk__in=[cast.student.pk, elsewhere.student.pk]).update(last_login=long_ago)
    User.objects.filter(pk=cast.other_student.pk).update(last_login=timezone.now())
    User.objects.exclude(pk__in=[cast.student.pk, elsewhere.student.pk]).update(date_joined=timezone.now())
    listed = admin_client.get(reverse("admin:accounts_user_changelist"), {"unused": "yes"}).context["cl"].queryset
    assert list(listed) == [cast.student]
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [cast.student.pk, elsewhere.student.pk, cast.admin.pk]},
    )
    assert response.status_code == 302
    assert closed_sockets == [cast.student.pk]
    assert not User.objects.get(pk=cast.student.pk).is_active
    assert User.objects.get(pk=elsewhere.student.pk).is_active and User.objects.get(pk=cast.admin.pk).is_active
    # The account keeps its history and can no longer log in.
    assert cast.student.attendance_records.exists()
    assert not Client().login(email=cast.student.email, password=PASSWORD)


def test_the_time_after_which_an_account_is_unused_is_the_institutions(admin_client, cast):
    User.objects.update(date_joined=timezone.now() - timedelta(days=400), last_login=None)
    assert admin_client.get(reverse("admin:accounts_user_changelist"), {"unused": "yes"}).context["cl"].result_count
    Institution.objects.filter(pk=cast.institution.pk).update(unused_account_days=500)
    listed = admin_client.get(reverse("admin:accounts_user_changelist"), {"unused": "yes"}).context["cl"]
    assert listed.result_count == 0


def test_an_institutions_administrator_cannot_reach_a_platform_administrators_account(admin_client, cast):
    platform = PlatformAdminFactory(institution=cast.institution)
    listed = admin_client.get(reverse("admin:accounts_user_changelist")).context["cl"].queryset
    assert platform not in listed
    password_page = reverse("admin:auth_user_password_change", args=[platform.pk])
    assert admin_client.get(password_page).status_code == 404
