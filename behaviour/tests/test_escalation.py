"""Escalation: parents and the course's teachers are told once per level when negative records pile up; the
pattern report lists who has many."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ParentFactory, StudentFactory, institution_settings
from behaviour import services
from behaviour.models import BehaviourRecord, EscalationLevel, Polarity
from behaviour.tests.factories import BehaviourRecordFactory, CategoryFactory
from courses.tests.factories import EnrollmentFactory
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def record(cast, *, students=None, polarity=Polarity.NEGATIVE, category="Discipline", date=None):
    return services.records_create(
        author=cast.teacher,
        course=cast.course,
        students=students or [cast.student],
        category=CategoryFactory(name=category),
        polarity=polarity,
        date=date,
    )


def escalation_notices():
    return Notification.objects.filter(kind=Kind.BEHAVIOUR_ESCALATION)


def test_the_third_negative_record_in_30_days_reaches_level_1_and_tells_parents_and_teachers(cast):
    record(cast, date=timezone.localdate() - timedelta(days=29))
    record(cast)
    assert not escalation_notices().exists()
    record(cast)
    level = EscalationLevel.objects.get()
    assert (level.student, level.level, level.records_counted, level.course) == (cast.student, 1, 3, cast.course)
    assert {n.user for n in escalation_notices()} == {cast.parent, cast.teacher}
    notice = escalation_notices().get(user=cast.parent)
    assert notice.title == f"{cast.student} reached behaviour level 1 of 3"
    assert "3 negative behaviour records in the last 30 days" in notice.body


def test_a_level_is_told_once_and_the_next_comes_at_twice_the_count(cast):
    for _ in range(5):
        record(cast)
    assert list(EscalationLevel.objects.values_list("level", flat=True)) == [1]
    assert escalation_notices().count() == 2
    record(cast)
    assert sorted(EscalationLevel.objects.values_list("level", flat=True)) == [1, 2]
    for _ in range(10):
        record(cast)
    assert sorted(EscalationLevel.objects.values_list("level", flat=True)) == [1, 2, 3]
    assert escalation_notices().count() == 6


def test_deleting_and_adding_again_does_not_send_the_level_twice(cast):
    for _ in range(3):
        record(cast)
    services.record_delete(record=BehaviourRecord.objects.filter(polarity=Polarity.NEGATIVE).first(), by=cast.teacher)
    record(cast)
    assert EscalationLevel.objects.count() == 1
    assert escalation_notices().count() == 2


def test_records_older_than_the_window_and_positive_ones_do_not_count(cast):
    record(cast, date=timezone.localdate() - timedelta(days=30))
    record(cast, polarity=Polarity.POSITIVE, category="Participation")
    record(cast)
    record(cast)
    assert not EscalationLevel.objects.exists()


def test_a_new_episode_after_the_window_is_told_again(cast):
    for _ in range(3):
        record(cast)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        for _ in range(3):
            record(cast)
    assert EscalationLevel.objects.filter(level=1).count() == 2


def test_the_count_and_window_come_from_the_settings(cast, settings):
    institution_settings(escalation_count=2, escalation_days=7)
    cast.course.refresh_from_db()
    record(cast, date=timezone.localdate() - timedelta(days=7))
    record(cast)
    assert not EscalationLevel.objects.exists()
    record(cast, date=timezone.localdate() - timedelta(days=6))
    assert EscalationLevel.objects.get().records_counted == 2


def test_turning_a_record_negative_can_reach_a_level(cast):
    record(cast)
    record(cast)
    positive = record(cast, polarity=Polarity.POSITIVE, category="Participation")[0]
    services.record_update(
        record=positive,
        by=cast.teacher,
        category=positive.category,
        polarity=Polarity.NEGATIVE,
        note="",
        date=positive.date,
    )
    assert EscalationLevel.objects.get().level == 1


def test_recording_several_students_escalates_each_on_their_own(client, cast):
    classmate = StudentFactory()
    EnrollmentFactory(course=cast.course, student=classmate)
    classmate_parent = ParentFactory(children=[classmate])
    for _ in range(2):
        record(cast)
    client.force_login(cast.teacher)
    discipline = CategoryFactory(name="Discipline")
    data = {
        "students": [cast.student.pk, classmate.pk],
        "category": discipline.pk,
        "polarity": "negative",
        "date": timezone.localdate().isoformat(),
    }
    client.post(reverse("behaviour:record_create", args=[cast.course.pk]), data)
    assert list(EscalationLevel.objects.values_list("student", flat=True)) == [cast.student.pk]
    assert not escalation_notices().filter(user=classmate_parent).exists()


class TestPatternReport:
    url = reverse("behaviour:pattern_report")

    def test_a_teacher_sees_students_of_their_courses_with_counts_per_category(self, client, cast):
        for name in ["Discipline", "Discipline", "Homework"]:
            category = CategoryFactory(name=name)
            BehaviourRecordFactory(student=cast.student, course=cast.course, polarity="negative", category=category)
        for _ in range(3):
            BehaviourRecordFactory(student=cast.other_student, course=cast.other_course, polarity="negative")
        client.force_login(cast.teacher)
        response = client.get(self.url)
        rows = response.context["rows"]
        assert [(pattern.student_id, pattern.total) for pattern, _ in rows] == [(cast.student.pk, 3)]
        assert response.context["categories"] == ["Discipline", "Homework"]
        assert rows[0][1] == [2, 1]
        client.force_login(cast.admin)
        assert len(client.get(self.url).context["rows"]) == 2

    def test_fewer_records_than_the_count_or_outside_the_period_are_left_out(self, client, cast):
        today = timezone.localdate()
        BehaviourRecordFactory(student=cast.student, course=cast.course, polarity="negative")
        BehaviourRecordFactory(student=cast.student, course=cast.course, polarity="negative")
        BehaviourRecordFactory(
            student=cast.student, course=cast.course, polarity="negative", date=today - timedelta(days=60)
        )
        client.force_login(cast.teacher)
        assert client.get(self.url).context["rows"] == []
        period = {"first": (today - timedelta(days=90)).isoformat(), "last": today.isoformat()}
        assert len(client.get(self.url, period).context["rows"]) == 1

    def test_a_reversed_period_is_reported_and_the_default_shown(self, client, cast):
        client.force_login(cast.teacher)
        response = client.get(self.url, {"first": "2026-05-01", "last": "2026-04-01"})
        assert response.context["form"].errors["last"] == ["The end of the period must not be before its start."]
        assert response.context["last"] == timezone.localdate()

    def test_each_student_links_to_their_records_of_the_same_period(self, client, cast):
        for _ in range(3):
            record(cast)
        client.force_login(cast.teacher)
        period = {"first": "2026-01-05", "last": timezone.localdate().isoformat()}
        page = client.get(self.url, period).content.decode()
        link = reverse("behaviour:student_detail", args=[cast.student.pk])
        assert f'href="{link}?first={period["first"]}&amp;last={period["last"]}"' in page
        detail = client.get(link, period)
        assert detail.status_code == 200
        assert sum(r.polarity == Polarity.NEGATIVE for r in detail.context["records"]) == 3

    def test_it_shows_the_level_reached(self, client, cast):
        for _ in range(3):
            record(cast)
        client.force_login(cast.teacher)
        assert "Level 1" in client.get(self.url).content.decode()

    def test_its_queries_stay_flat(self, client, cast, django_assert_max_num_queries):
        for _ in range(20):
            student = StudentFactory()
            EnrollmentFactory(course=cast.course, student=student)
            for _ in range(3):
                BehaviourRecordFactory(student=student, course=cast.course, polarity="negative")
        client.force_login(cast.teacher)
        with django_assert_max_num_queries(10):
            response = client.get(self.url)
        assert len(response.context["rows"]) == 20
