"""Who sees which records: students their own, parents their children's (negative ones as the setting says),
teachers their courses', administrators all; and the selectors the student profile will use."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import institution_settings
from behaviour import selectors, services
from behaviour.models import EscalationLevel, Polarity
from behaviour.tests.factories import BehaviourRecordFactory, CategoryFactory, EventFactory, ParticipationFactory
from courses.tests.factories import CourseFactory, EnrollmentFactory
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def negative(cast):
    return BehaviourRecordFactory(
        student=cast.student, course=cast.course, polarity=Polarity.NEGATIVE, note="Shouted in class"
    )


def page_of(client, user, student, **query):
    client.force_login(user)
    return client.get(reverse("behaviour:student_detail", args=[student.pk]), query)


@pytest.mark.parametrize("role", ["student", "parent", "teacher", "admin"])
def test_by_default_the_family_and_the_school_see_both_kinds(client, cast, negative, role):
    page = page_of(client, getattr(cast, role), cast.student)
    assert list(page.context["records"]) == [negative, cast.behaviour_record]
    assert page.context["balance"] == {"positive": 1, "negative": 1}
    assert "Shouted in class" in page.content.decode()


@pytest.mark.parametrize("role", ["student", "parent"])
def test_when_parents_do_not_see_negative_records_the_family_sees_only_positive_ones(
    client, cast, negative, settings, role
):
    institution_settings(parents_see_negative=False)
    page = page_of(client, getattr(cast, role), cast.student)
    assert list(page.context["records"]) == [cast.behaviour_record]
    assert page.context["balance"] == {"positive": 1, "negative": 0}
    assert "Shouted in class" not in page.content.decode()


def test_teachers_still_see_negative_records_the_family_does_not(client, cast, negative, settings):
    institution_settings(parents_see_negative=False)
    assert negative in page_of(client, cast.teacher, cast.student).context["records"]


def test_negative_records_are_shown_to_the_family_from_the_date_set(client, cast, settings):
    today = timezone.localdate()
    institution_settings(parents_see_negative_from=today - timedelta(days=10))
    old = BehaviourRecordFactory(
        student=cast.student, course=cast.course, polarity="negative", date=today - timedelta(days=11)
    )
    new = BehaviourRecordFactory(
        student=cast.student, course=cast.course, polarity="negative", date=today - timedelta(days=10)
    )
    records = list(page_of(client, cast.parent, cast.student).context["records"])
    assert new in records and old not in records
    assert old in page_of(client, cast.admin, cast.student).context["records"]


def test_parents_who_do_not_see_negative_records_are_not_told_of_levels(cast, settings):
    institution_settings(parents_see_negative=False)
    cast.course.refresh_from_db()
    discipline = CategoryFactory(name="Discipline")
    for _ in range(3):
        services.records_create(
            author=cast.teacher, course=cast.course, students=[cast.student], category=discipline, polarity="negative"
        )
    assert EscalationLevel.objects.get().level == 1
    notices = Notification.objects.filter(kind=Kind.BEHAVIOUR_ESCALATION)
    assert [n.user for n in notices] == [cast.teacher]
    assert notices.get().url == reverse("behaviour:student_detail", args=[cast.student.pk])


def test_a_teacher_sees_only_their_courses_records_of_a_student(client, cast):
    EnrollmentFactory(course=cast.other_course, student=cast.student)
    elsewhere = BehaviourRecordFactory(student=cast.student, course=cast.other_course, note="Other course")
    assert elsewhere not in page_of(client, cast.teacher, cast.student).context["records"]
    assert list(page_of(client, cast.other_teacher, cast.student).context["records"]) == [elsewhere]


def test_the_page_lists_the_students_participation_in_the_period(client, cast):
    today = timezone.localdate()
    award = ParticipationFactory(student=cast.student, status="award", event__name="Chess cup", event__course=None)
    ParticipationFactory(student=cast.student, event__date=today - timedelta(days=400))
    page = page_of(client, cast.parent, cast.student)
    assert list(page.context["participations"]) == [award, cast.participation]
    assert "Chess cup" in page.content.decode()


def test_the_period_narrows_records_and_balance(client, cast):
    BehaviourRecordFactory(student=cast.student, course=cast.course, date=date(2026, 1, 5))
    page = page_of(client, cast.student, cast.student, first="2026-01-01", last="2026-01-31")
    assert page.context["balance"] == {"positive": 1, "negative": 0}
    assert len(page.context["records"]) == 1


def test_a_student_goes_from_the_menu_to_their_own_page_and_a_parent_to_their_children(client, cast):
    client.force_login(cast.student)
    assert client.get(reverse("behaviour:overview")).url == reverse("behaviour:student_detail", args=[cast.student.pk])
    client.force_login(cast.parent)
    page = client.get(reverse("behaviour:overview")).content.decode()
    assert reverse("behaviour:student_detail", args=[cast.student.pk]) in page
    assert reverse("behaviour:student_detail", args=[cast.other_student.pk]) not in page


class TestProfileSelectors:
    def test_the_balance_and_participation_take_one_query_each_however_many_rows(self, cast, django_assert_num_queries):
        for n in range(20):
            BehaviourRecordFactory(student=cast.student, course=cast.course, polarity=["positive", "negative"][n % 2])
            ParticipationFactory(student=cast.student, event=EventFactory(course=cast.course))
        with django_assert_num_queries(1):
            balance = selectors.behaviour_balance(cast.student, viewer=cast.parent)
        assert balance == {"positive": 11, "negative": 10}
        with django_assert_num_queries(1):
            rows = [
                (p.event.name, p.event.course.code, p.student.pk)
                for p in selectors.participation_of(cast.student, viewer=cast.teacher)
            ]
        assert len(rows) == 21

    def test_a_teacher_sees_participation_only_in_events_they_may_open(self, cast):
        other_event = ParticipationFactory(student=cast.student, event__course=CourseFactory())
        assert other_event not in selectors.participation_of(cast.student, viewer=cast.teacher)
        assert other_event in selectors.participation_of(cast.student, viewer=cast.parent)


def test_the_student_page_queries_stay_flat(client, cast, django_assert_max_num_queries):
    for _ in range(25):
        BehaviourRecordFactory(student=cast.student, course=cast.course)
        ParticipationFactory(student=cast.student, event=EventFactory(course=cast.course))
    client.force_login(cast.parent)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("behaviour:student_detail", args=[cast.student.pk]))
    assert len(page.context["records"]) == 26
