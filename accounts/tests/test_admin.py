import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import AdminFactory

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


def test_the_admin_cannot_link_a_third_parent(admin_client):
    from accounts.models import ParentLink
    from accounts.tests.factories import ParentFactory, StudentFactory

    child = StudentFactory()
    ParentFactory(children=[child])
    ParentFactory(children=[child])
    third = ParentFactory()
    response = admin_client.post(reverse("admin:accounts_parentlink_add"), {"parent": third.pk, "child": child.pk})
    assert "already has two parents linked" in response.text
    assert ParentLink.objects.filter(child=child).count() == 2
