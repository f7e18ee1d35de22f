"""Browsers ask for /favicon.ico on every page: it leads to the icon, and every page names the icon."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static


def test_favicon_ico_redirects_to_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.url == static("favicon.svg")
    assert finders.find("favicon.svg")


@pytest.mark.django_db
def test_pages_name_the_icon(client):
    assert f'<link rel="icon" href="{static("favicon.svg")}"' in client.get("/accounts/login/").text
