"""Arbitrary text into every field and query parameter of the behaviour pages: never a 500, never a partial write."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings

from behaviour.models import BehaviourRecord, Event, Participation
from tests.strategies import ANY_TEXT

pytestmark = pytest.mark.django_db

EXAMPLES = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def counts():
    return (BehaviourRecord.objects.count(), Event.objects.count(), Participation.objects.count())


@EXAMPLES
@given(students=ANY_TEXT, category=ANY_TEXT, polarity=ANY_TEXT, date=ANY_TEXT)
def test_the_record_form_takes_any_text(client, cast, students, category, polarity, date):
    client.force_login(cast.teacher)
    before = counts()
    data = {"students": [students], "category": category, "polarity": polarity, "date": date, "note": "x"}
    response = client.post(reverse("behaviour:record_create", args=[cast.course.pk]), data)
    assert response.status_code == 200
    assert counts() == before


@EXAMPLES
@given(name=ANY_TEXT, date=ANY_TEXT, status=ANY_TEXT, remarks=ANY_TEXT)
def test_the_participation_form_takes_any_text(client, cast, name, date, status, remarks):
    client.force_login(cast.teacher)
    before = counts()
    data = {"name": name, "date": date, f"status-{cast.student.pk}": status, f"remarks-{cast.student.pk}": remarks}
    response = client.post(reverse("behaviour:event_create", args=[cast.course.pk]), data)
    assert response.status_code in {200, 302}
    if response.status_code == 200:
        assert counts() == before


@EXAMPLES
@given(value=ANY_TEXT)
def test_the_filters_and_periods_take_any_text(client, cast, value):
    client.force_login(cast.admin)
    for name, args in [
        ("behaviour:course_records", [cast.course.pk]),
        ("behaviour:pattern_report", []),
        ("behaviour:student_detail", [cast.student.pk]),
        ("behaviour:event_list", []),
    ]:
        query = dict.fromkeys(["student", "category", "polarity", "first", "last", "page"], value)
        assert client.get(reverse(name, args=args), query).status_code == 200
