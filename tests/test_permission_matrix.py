"""Every named URL, tried by every kind of person: the outcome must be the one in permission_table.TABLE."""

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permission_table import ROLES, TABLE

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
