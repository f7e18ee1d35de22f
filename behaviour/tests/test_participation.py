"""Participation in events: entered for a course's students at once, like roll call; listed per event."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StudentFactory
from behaviour.models import Event, Participation, ParticipationStatus
from behaviour.tests.factories import EventFactory, ParticipationFactory
from courses.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db
TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()


@pytest.fixture
def classmate(cast):
    student = StudentFactory(first_name="Cleo", last_name="Aalto")
    EnrollmentFactory(course=cast.course, student=student)
    return student


def post_event(client, cast, rows, **fields):
    data = {"name": "Science fair", "date": timezone.localdate().isoformat(), "linked": "on"} | fields
    for student, status, remarks in rows:
        data[f"status-{student.pk}"] = status
        data[f"remarks-{student.pk}"] = remarks
    return client.post(reverse("behaviour:event_create", args=[cast.course.pk]), data)


def test_a_teacher_records_an_event_for_the_roster_at_once(client, cast, classmate):
    client.force_login(cast.teacher)
    page = client.get(reverse("behaviour:event_create", args=[cast.course.pk])).content.decode()
    assert f"Status of {cast.student.get_full_name()}" in page and "Status of Cleo Aalto" in page
    response = post_event(client, cast, [(cast.student, "award", "First prize"), (classmate, "absent", "")])
    event = Event.objects.get(name="Science fair")
    assert response.url == reverse("behaviour:event_detail", args=[event.pk])
    assert (event.course, event.created_by) == (cast.course, cast.teacher)
    assert dict(event.participations.values_list("student", "status")) == {
        cast.student.pk: ParticipationStatus.AWARD,
        classmate.pk: ParticipationStatus.ABSENT,
    }
    detail = client.get(response.url).content.decode()
    assert "First prize" in detail and "Award" in detail and "text-bg-warning" in detail


def test_a_student_left_blank_is_not_recorded_and_the_course_is_optional(client, cast, classmate):
    client.force_login(cast.teacher)
    post_event(client, cast, [(cast.student, "participated", ""), (classmate, "", "")], linked="")
    event = Event.objects.get(name="Science fair")
    assert event.course is None
    assert list(event.participations.values_list("student", flat=True)) == [cast.student.pk]
    # A school event recorded by a teacher stays theirs to open.
    assert client.get(reverse("behaviour:event_detail", args=[event.pk])).status_code == 200


@pytest.mark.parametrize(
    ("fields", "rows", "field", "message"),
    [
        ({}, [], "__all__", "Choose a status for at least one student."),
        ({"name": ""}, [("student", "award", "")], "name", "This field is required."),
        ({"date": TOMORROW}, [("student", "award", "")], "date", "future"),
        ({}, [("student", "", "A remark")], "remarks-student", "Choose a status for this student"),
        ({}, [("student", "winner", "")], "status-student", "Select a valid choice."),
    ],
)
def test_bad_input_is_reported_on_its_field_and_saves_nothing(client, cast, fields, rows, field, message):
    client.force_login(cast.teacher)
    rows = [(cast.student, status, remarks) for _, status, remarks in rows]
    response = post_event(client, cast, rows, **fields)
    assert response.status_code == 200
    field = field.replace("student", str(cast.student.pk)) if field != "__all__" else field
    assert message in " ".join(response.context["form"].errors[field])
    assert "Nothing was saved" in response.content.decode()
    assert not Event.objects.filter(name="Science fair").exists()


def test_a_student_outside_the_roster_cannot_be_slipped_in(client, cast):
    client.force_login(cast.teacher)
    post_event(client, cast, [(cast.student, "award", ""), (cast.other_student, "award", "")])
    assert not Participation.objects.filter(student=cast.other_student, event__name="Science fair").exists()


def test_the_event_list_shows_a_teachers_events_with_counts(client, cast, django_assert_max_num_queries):
    for _ in range(5):
        event = EventFactory(course=cast.course)
        ParticipationFactory(event=event, status="award")
        ParticipationFactory(event=event, status="absent")
        ParticipationFactory(event=event, status="absent")
    EventFactory(course=cast.other_course, name="Elsewhere")
    client.force_login(cast.teacher)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("behaviour:event_list"))
    events = response.context["events"]
    assert len(events) == 6
    assert "Elsewhere" not in response.content.decode()
    assert events[0].counts == [0, 2, 0, 1]


def test_another_teacher_does_not_find_the_event(client, cast):
    client.force_login(cast.other_teacher)
    assert client.get(reverse("behaviour:event_detail", args=[cast.participation.event.pk])).status_code == 404
