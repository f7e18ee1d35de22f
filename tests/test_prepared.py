"""A query compiled once per process (attendance_system/prepared.py) gives what its queryset gives, for any values."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone

from accounts.tests.factories import StudentFactory
from attendance import selectors, services
from attendance_system.prepared import Prepared
from courses.models import ClassSession
from courses.tests.factories import ClassSessionFactory, EnrollmentFactory


def _as_data(codes):
    return [
        (
            model_to_dict(code),
            code.failures,
            code.record_status,
            code.shared_browser,
            model_to_dict(code.session),
            model_to_dict(code.session.course),
            code._state.adding,
        )
        for code in codes
    ]


@pytest.mark.django_db
def test_the_live_codes_are_those_the_orm_gives_for_each_student(cast):
    now = timezone.now()
    session = ClassSessionFactory(course=cast.course, starts_at=now, ends_at=now + timedelta(hours=1))
    services.session_open(session=session, by=cast.teacher)
    outsider = StudentFactory()
    services.code_submit(student=cast.student, typed=session.codes.get().code, marker="phone")
    for student, marker in [
        (cast.student, "phone"),
        (EnrollmentFactory(course=cast.course).student, "phone"),
        (outsider, ""),
    ]:
        expected = list(selectors._live_codes(student_id=student.pk, now=timezone.now(), marker=marker))
        assert _as_data(selectors.live_codes_of_student(student, now=timezone.now(), marker=marker)) == _as_data(
            expected
        )
    [mine] = selectors.live_codes_of_student(cast.student, now=timezone.now(), marker="phone")
    assert mine.record_status == "pending"
    assert selectors.live_codes_of_student(outsider, now=timezone.now()) == []


@pytest.mark.django_db
def test_a_prepared_query_is_one_query_with_the_values_of_each_call(django_assert_num_queries):
    now = timezone.now()
    sessions = [ClassSessionFactory(starts_at=now + timedelta(hours=h)) for h in (1, 2, 3)]
    later = Prepared(
        lambda *, after: ClassSession.objects.filter(starts_at__gt=after).order_by("starts_at"),
        after=datetime(1901, 1, 1, tzinfo=UTC),
    )
    with django_assert_num_queries(1):
        assert [s.pk for s in later(after=now + timedelta(minutes=90))] == [s.pk for s in sessions[1:]]
    with django_assert_num_queries(1):
        assert [s.pk for s in later(after=now)] == [s.pk for s in sessions]


@pytest.mark.django_db
def test_a_placeholder_that_changes_on_its_way_leaves_the_query_to_the_orm():
    """A placeholder the query never uses (as SQLite's datetimes, which become text) cannot be put in place."""
    session = ClassSessionFactory()
    unused = Prepared(lambda *, pk, unused: ClassSession.objects.filter(pk=pk), pk=-5_123_456, unused="nowhere")
    assert [s.pk for s in unused(pk=session.pk, unused="x")] == [session.pk]
    assert unused._compiled is False
    expected_path = "compiled" if connection.vendor == "postgresql" else "orm"
    datetimes = Prepared(
        lambda *, after: ClassSession.objects.filter(starts_at__gt=after), after=datetime(1901, 1, 1, tzinfo=UTC)
    )
    assert [s.pk for s in datetimes(after=session.starts_at - timedelta(minutes=1))] == [session.pk]
    assert ("compiled" if datetimes._compiled else "orm") == expected_path
