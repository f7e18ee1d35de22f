"""Every named URL, tried by every kind of person: the outcome must be the one in permission_table.TABLE."""

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permission_table import ROLES, TABLE, no_args

# Django admin guards itself (is_staff); tests/test_admin_access.py covers it.
EXCLUDED_NAMESPACES = {"admin"}


def named_urls(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            if inner in EXCLUDED_NAMESPACES:
                continue
            prefix = f"{namespace}{inner}:" if inner else namespace
            yield from named_urls(pattern, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_named_url_is_in_the_table():
    assert set(named_urls()) == set(TABLE), "add the new URL to tests/permission_table.py"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_role_gets_the_expected_outcome(client, cast, name, role):
    method, make_kwargs, expected = TABLE[name]
    user = cast.by_role(role)
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=make_kwargs(cast))
    response = getattr(client, method)(url)
    if expected[role] == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse(settings.LOGIN_URL))
    else:
        assert response.status_code == expected[role], f"{role} on {name}"


# Who, in the cast's own institution, stands where a role of another institution stands: someone outside the
# course. Another institution's administrator stands nowhere: see outcome_elsewhere.
OUTSIDER = {
    "anonymous": "anonymous",
    "student": "other_student",
    "other_student": "other_student",
    "teacher": "other_teacher",
    "other_teacher": "other_teacher",
    "parent": "other_parent",
    "other_parent": "other_parent",
}


def names_an_object(name, cast):
    """Whether the URL names a row (a course, session, student, ...) by its primary key."""
    return any(key.endswith("pk") for key in TABLE[name][1](cast))


def outcome_elsewhere(name, role, cast):
    """What `role` of another institution gets from a URL naming the cast's objects: what an outsider of the
    course gets; an administrator gets 404 where the cast's administrator gets in, and what they get on pages
    that name no object."""
    expected = TABLE[name][2]
    if role != "admin":
        return expected[OUTSIDER[role]]
    if names_an_object(name, cast) and expected["admin"] in (200, 302):
        return 404
    return expected["admin"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_role_of_another_institution_finds_nothing_of_this_one(client, cast, elsewhere, name, role):
    method, make_kwargs, _expected = TABLE[name]
    user = elsewhere.by_role(role)
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(reverse(name, kwargs=make_kwargs(cast)))
    expected = outcome_elsewhere(name, role, cast)
    if expected == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse(settings.LOGIN_URL))
    else:
        assert response.status_code == expected, f"{role} of another institution on {name}"


def test_another_institutions_administrator_is_refused_every_object_page(cast, elsewhere):
    refused = [name for name in TABLE if outcome_elsewhere(name, "admin", cast) == 404]
    # Every page about a course, session, record, student or justification: the rule above is no blanket pass.
    assert len(refused) > 40


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_pages_of_lists_show_nothing_of_another_institution(client, cast, elsewhere, role):
    """Pages that name no object (dashboards, lists, calendars, reports) list nothing of the cast's
    institution to anyone of the other one."""
    cast.course.title = "Zanzibar calculus"
    cast.course.save()
    for person in (cast.student, cast.teacher, cast.parent, cast.other_student, cast.other_teacher):
        person.last_name = "Quixotic"
        person.save()
    client.force_login(elsewhere.by_role(role))
    for name, (method, make_kwargs, _expected) in sorted(TABLE.items()):
        if method != "get" or make_kwargs is not no_args:
            continue
        response = client.get(reverse(name), follow=True)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        text = response.content.decode()
        assert "Zanzibar" not in text and "Quixotic" not in text, f"{role} of another institution on {name}"
