"""Failure drill: the database refuses writes (read-only after a fail-over, a full disk). A student who checks
in is told it did not work, never a false success, and an htmx request gets the code box back, not a 500."""

from contextlib import contextmanager

import pytest
from django.db import connection
from django.urls import reverse

from accounts.tests.factories import StudentFactory
from attendance.models import AttendanceRecord
from courses.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db(transaction=True)

REFUSED = "Could not record your check-in. Try again."


@contextmanager
def read_only_database():
    """This connection (the one the test client's requests use) may read but not write."""
    on, off = (
        ("PRAGMA query_only = ON", "PRAGMA query_only = OFF")
        if connection.vendor == "sqlite"
        else ("SET default_transaction_read_only = on", "SET default_transaction_read_only = off")
    )
    with connection.cursor() as cursor:
        cursor.execute(on)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(off)


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_check_in_the_database_refuses_says_so_and_records_nothing(client, cast, live, htmx):
    session, code = live
    student = StudentFactory()
    EnrollmentFactory(course=cast.course, student=student)
    client.force_login(student)
    headers = {"HX-Request": "true"} if htmx else {}
    with read_only_database():
        response = client.post(reverse("attendance:checkin"), {"code": code.code}, headers=headers)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert "Check-in received." not in response.content.decode()
    assert not AttendanceRecord.objects.filter(session=session, student=student).exists()
    # The code box is there to try again, and once the database takes writes again the same code works.
    assert 'name="code"' in response.content.decode()
    response = client.post(reverse("attendance:checkin"), {"code": code.code}, headers=headers)
    assert "Check-in received." in response.content.decode()
    assert AttendanceRecord.objects.filter(session=session, student=student).exists()
