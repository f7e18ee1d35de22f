"""Django admin: every registered model's list and add pages work for an administrator, and nobody else
gets in."""

import pytest
from django.contrib import admin
from django.urls import reverse

APPS = {"accounts", "courses", "attendance", "grades", "reports", "notifications"}
MODELS = [model for model in admin.site._registry if model._meta.app_label in APPS]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_an_administrator_can_list_and_add_every_model(client, cast, model):
    client.force_login(cast.admin)
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    # Models whose rows only the app writes (history, uploads) refuse "add" on purpose.
    expected = 200 if admin.site._registry[model].has_add_permission(_request(cast.admin)) else 403
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == expected


def test_every_model_of_the_project_is_in_admin():
    from django.apps import apps

    models = {m for app in APPS for m in apps.get_app_config(app).get_models()}
    assert models - set(admin.site._registry) == set()


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.parametrize("role", ["student", "teacher", "parent"])
def test_other_roles_are_sent_to_the_admin_login(client, cast, role):
    client.force_login(getattr(cast, role))
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_the_course_page_in_admin_shows_enrollments_and_sessions_inline(client, cast):
    client.force_login(cast.admin)
    response = client.get(reverse("admin:courses_course_change", args=[cast.course.pk]))
    assert response.status_code == 200
    assert "enrollments-TOTAL_FORMS" in response.text
    assert "sessions-TOTAL_FORMS" in response.text


def test_the_user_list_filters_by_role(client, cast):
    client.force_login(cast.admin)
    response = client.get(reverse("admin:accounts_user_changelist"), {"role__exact": "parent"})
    assert cast.parent.email in response.text
    assert cast.student.email not in response.text
