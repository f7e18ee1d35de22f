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


class TestCorrection:
    def test_a_teacher_of_the_course_corrects_a_row_from_the_event(self, client, cast):
        participation = cast.participation
        client.force_login(cast.teacher)
        page = client.get(reverse("behaviour:event_detail", args=[participation.event_id])).text
        edit = reverse("behaviour:participation_edit", args=[participation.pk])
        assert edit in page and reverse("behaviour:participation_delete", args=[participation.pk]) in page
        response = client.post(edit, {"status": "award", "remarks": "Second prize"})
        assert response.url == reverse("behaviour:event_detail", args=[participation.event_id])
        participation.refresh_from_db()
        assert (participation.status, participation.remarks) == (ParticipationStatus.AWARD, "Second prize")

    def test_a_bad_status_is_refused_beside_the_field_and_nothing_changes(self, client, cast):
        client.force_login(cast.teacher)
        url = reverse("behaviour:participation_edit", args=[cast.participation.pk])
        response = client.post(url, {"status": "winner", "remarks": "x" * 300})
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"status", "remarks"}
        cast.participation.refresh_from_db()
        assert (cast.participation.status, cast.participation.remarks) == (ParticipationStatus.PARTICIPATED, "")

    def test_a_row_entered_by_mistake_is_deleted(self, client, cast):
        client.force_login(cast.teacher)
        url = reverse("behaviour:participation_delete", args=[cast.participation.pk])
        assert "Take Sam" in client.get(url).text
        assert client.post(url).url == reverse("behaviour:event_detail", args=[cast.participation.event_id])
        assert not Participation.objects.filter(pk=cast.participation.pk).exists()

    def test_the_teacher_who_recorded_a_school_event_may_correct_it(self, client, cast):
        participation = ParticipationFactory(
            event=EventFactory(course=None, created_by=cast.other_teacher), student=cast.student
        )
        client.force_login(cast.other_teacher)
        url = reverse("behaviour:participation_edit", args=[participation.pk])
        assert client.post(url, {"status": "excused", "remarks": ""}).status_code == 302
        client.force_login(cast.teacher)
        assert client.post(url, {"status": "absent", "remarks": ""}).status_code == 404
        participation.refresh_from_db()
        assert participation.status == ParticipationStatus.EXCUSED

    @pytest.mark.parametrize("who", ["other_teacher", "student", "parent"])
    def test_anyone_else_finds_no_such_row_and_it_stays(self, client, cast, who):
        client.force_login(getattr(cast, who))
        edit = reverse("behaviour:participation_edit", args=[cast.participation.pk])
        delete = reverse("behaviour:participation_delete", args=[cast.participation.pk])
        assert client.post(edit, {"status": "absent", "remarks": ""}).status_code == 404
        assert client.post(delete).status_code == 404
        cast.participation.refresh_from_db()
        assert cast.participation.status == ParticipationStatus.PARTICIPATED

    def test_the_service_refuses_someone_who_may_not_record_it(self, cast):
        from attendance_system.errors import DomainError
        from behaviour import services

        with pytest.raises(DomainError):
            services.participation_update(participation=cast.participation, by=cast.other_teacher, status="absent")
        with pytest.raises(DomainError):
            services.participation_delete(participation=cast.participation, by=cast.parent)
        assert Participation.objects.filter(pk=cast.participation.pk, status="participated").exists()
