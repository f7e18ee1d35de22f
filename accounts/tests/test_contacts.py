"""A student's guardians and emergency contacts: kept by their parents (their own children only) and by
administrators (the form, and Django admin's user page), shown on the profile to teachers and administrators."""

import pytest
from django.urls import reverse

from accounts.models import Contact
from accounts.services import contacts_update
from accounts.tests.factories import StudentFactory
from accounts.tests.test_admin import user_form
from attendance_system.errors import DomainError

pytestmark = pytest.mark.django_db


def edit_url(student):
    return reverse("accounts:contacts_edit", args=[student.pk])


def profile_url(student):
    return reverse("reports:student_profile", args=[student.pk])


def formset(*rows, existing=()):
    """The contacts page as posted: the `existing` contacts unchanged, then the new `rows` (dicts)."""
    data = {
        "contacts-TOTAL_FORMS": str(len(existing) + len(rows)),
        "contacts-INITIAL_FORMS": str(len(existing)),
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "10",
    }
    forms = [
        {
            "id": contact.pk,
            "name": contact.name,
            "relation": contact.relation,
            "phone": contact.phone,
            "email": contact.email,
            "position": contact.position,
            **({"is_emergency_contact": "on"} if contact.is_emergency_contact else {}),
            **changes,
        }
        for contact, changes in existing
    ]
    forms += [{"position": 0, **row} for row in rows]
    for number, form in enumerate(forms):
        data.update({f"contacts-{number}-{name}": value for name, value in form.items()})
    return data


MOTHER = {"name": "Maria Stone", "relation": "mother", "phone": "+33 6 12 34 56 78", "is_emergency_contact": "on"}
UNCLE = {"name": "Bob Stone", "relation": "uncle", "email": "bob@example.org", "position": 2}


def test_a_parent_adds_contacts_that_the_teacher_then_sees_on_the_profile(client, cast):
    client.force_login(cast.parent)
    response = client.post(edit_url(cast.student), formset(UNCLE, MOTHER))
    assert response.status_code == 302 and response.url == profile_url(cast.student)
    assert [(c.name, c.is_emergency_contact) for c in cast.student.contacts.all()] == [
        ("Maria Stone", True),
        ("Bob Stone", False),
    ]
    client.force_login(cast.teacher)
    page = client.get(profile_url(cast.student)).content.decode()
    assert "Maria Stone" in page and "bob@example.org" in page and 'href="tel:+33612345678"' in page
    assert edit_url(cast.student) not in page


def test_the_student_does_not_see_the_contacts_on_their_own_profile(client, cast):
    Contact.objects.create(student=cast.student, **{**MOTHER, "is_emergency_contact": True})
    client.force_login(cast.student)
    page = client.get(profile_url(cast.student)).content.decode()
    assert "Maria Stone" not in page and "Guardians and emergency contacts" not in page


def test_the_parent_and_the_administrator_are_offered_the_form(client, cast):
    for user in (cast.parent, cast.admin):
        client.force_login(user)
        assert edit_url(cast.student) in client.get(profile_url(cast.student)).content.decode()


def test_a_parent_edits_and_deletes_contacts(client, cast):
    mother = Contact.objects.create(student=cast.student, name="Maria", relation="mother", phone="0612345678")
    uncle = Contact.objects.create(student=cast.student, name="Bob", relation="uncle", email="bob@example.org")
    client.force_login(cast.parent)
    data = formset(existing=[(mother, {"phone": "0699999999"}), (uncle, {"DELETE": "on"})])
    assert client.post(edit_url(cast.student), data).status_code == 302
    assert [(c.name, c.phone) for c in cast.student.contacts.all()] == [("Maria", "0699999999")]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({**MOTHER, "name": "Maria\r\nBcc: all@school.org"}, "control characters are not allowed"),
        ({**MOTHER, "relation": "mother\tfather"}, "control characters are not allowed"),
        ({**MOTHER, "phone": "call me maybe"}, "Enter a phone number"),
        ({"name": "Maria", "relation": "mother"}, "Give a phone number or an email address"),
        ({**MOTHER, "email": "not an email"}, "Enter a valid email address"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_nothing_is_saved(client, cast, row, message):
    client.force_login(cast.parent)
    response = client.post(edit_url(cast.student), formset(UNCLE, row))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Contact.objects.exists()


@pytest.mark.parametrize("user", ["other_parent", "teacher", "student", "other_teacher"])
def test_nobody_else_may_change_a_students_contacts(client, cast, user):
    client.force_login(getattr(cast, user))
    assert client.post(edit_url(cast.student), formset(MOTHER)).status_code == 404
    assert not Contact.objects.exists()


def test_a_parent_cannot_reach_another_childs_contact_through_the_form(client, cast):
    """A row naming a contact of another student is not one of this student's rows: it is not changed."""
    theirs = Contact.objects.create(student=cast.other_student, name="Other", relation="father", phone="0600000000")
    client.force_login(cast.parent)
    data = formset(existing=[(theirs, {"name": "Hijacked"})])
    client.post(edit_url(cast.student), data)
    theirs.refresh_from_db()
    assert theirs.name == "Other" and theirs.student == cast.other_student


def test_the_service_refuses_another_students_contact(cast):
    theirs = Contact.objects.create(student=cast.other_student, name="Other", relation="father", phone="0600000000")
    with pytest.raises(DomainError):
        contacts_update(student=cast.student, saved=[theirs])


def test_an_administrator_keeps_contacts_on_the_students_admin_page(admin_client):
    student = StudentFactory()
    data = user_form(
        student,
        **{
            "contacts-TOTAL_FORMS": 1,
            "contacts-INITIAL_FORMS": 0,
            "contacts-0-name": "Maria Stone",
            "contacts-0-relation": "mother",
            "contacts-0-phone": "0612345678",
            "contacts-0-position": 0,
        },
    )
    response = admin_client.post(reverse("admin:accounts_user_change", args=[student.pk]), data)
    assert response.status_code == 302
    assert [c.name for c in student.contacts.all()] == ["Maria Stone"]


def test_the_admin_page_refuses_a_bad_phone_and_saves_nothing(admin_client):
    student = StudentFactory()
    data = user_form(
        student,
        **{
            "contacts-TOTAL_FORMS": 1,
            "contacts-INITIAL_FORMS": 0,
            "contacts-0-name": "Maria Stone",
            "contacts-0-relation": "mother",
            "contacts-0-phone": "abc",
            "contacts-0-position": 0,
        },
    )
    response = admin_client.post(reverse("admin:accounts_user_change", args=[student.pk]), data)
    assert response.status_code == 200 and "Enter a phone number" in response.content.decode()
    assert not student.contacts.exists()
