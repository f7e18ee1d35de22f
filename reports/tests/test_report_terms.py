"""The course report, the register and the attendance exports filter by term: a session is in a term when it
starts on a day inside the term's dates; the current term is the default when the course has sessions in it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance.models import AttendanceRecord, Status
from courses.tests.factories import (
    AcademicYearFactory,
    ClassSessionFactory,
    CourseFactory,
    EnrollmentFactory,
    TermFactory,
)
from grades.tests.factories import AssessmentFactory, ScoreFactory
from reports.tests.test_report_views import read_csv

pytestmark = pytest.mark.django_db


def held(course, enrollments, days_ago, status):
    """A past session `days_ago` days ago, with every student of `enrollments` recorded as `status`."""
    session = ClassSessionFactory(course=course, starts_at=timezone.now() - timedelta(days=days_ago))
    AttendanceRecord.objects.bulk_create(
        AttendanceRecord(session=session, student=e.student, status=status) for e in enrollments
    )
    return session


@pytest.fixture
def terms():
    """Last term (from 80 to 41 days ago) and the current one (from 40 days ago to 20 days ahead)."""
    today = timezone.localdate()
    year = AcademicYearFactory(starts_on=today - timedelta(days=200))
    return (
        TermFactory(year=year, name="Autumn", starts_on=today - timedelta(days=80), ends_on=today - timedelta(days=41)),
        TermFactory(year=year, name="Spring", starts_on=today - timedelta(days=40), ends_on=today + timedelta(days=20)),
    )


@pytest.fixture
def teacher(client, cast):
    client.force_login(cast.teacher)
    return client


@pytest.fixture
def course_over_two_terms(cast, terms):
    """Three students: absent at two sessions of last term, present at one of this term."""
    enrollments = [
        EnrollmentFactory(course=cast.course, enrolled_on=timezone.localdate() - timedelta(days=100)) for _ in range(3)
    ]
    old = [held(cast.course, enrollments, days, Status.ABSENT) for days in (60, 50)]
    new = held(cast.course, enrollments, 10, Status.PRESENT)
    return enrollments, old, new


def report(client, course, **params):
    return client.get(reverse("reports:course_report", args=[course.pk]), params)


def tallies(response, enrollments):
    """The tallies of the report's rows of `enrollments`' students."""
    ours = {e.student_id for e in enrollments}
    return [row.tally for row in response.context["rows"] if row.student_id in ours]


def test_the_report_shows_the_current_term_by_default(teacher, cast, terms, course_over_two_terms):
    response = report(teacher, cast.course)
    assert response.context["term"] == terms[1]
    assert [s["session"] for s in response.context["summaries"]] == [course_over_two_terms[2]]
    assert {(tally.held, tally.rate) for tally in tallies(response, course_over_two_terms[0])} == {(1, 100.0)}
    assert '<option value="all">Whole course</option>' in response.text


def test_the_report_shows_a_chosen_term_or_the_whole_course(teacher, cast, terms, course_over_two_terms):
    last_term = report(teacher, cast.course, term=terms[0].pk)
    assert {s["session"] for s in last_term.context["summaries"]} == set(course_over_two_terms[1])
    assert {tally.rate for tally in tallies(last_term, course_over_two_terms[0])} == {0.0}
    whole = report(teacher, cast.course, term="all")
    assert whole.context["term"] is None
    assert {tally.held for tally in tallies(whole, course_over_two_terms[0])} == {3}


def test_a_course_without_sessions_in_the_current_term_opens_on_the_whole_course(teacher, cast, terms):
    course = CourseFactory(teachers=[cast.teacher])
    enrollment = EnrollmentFactory(course=course, enrolled_on=timezone.localdate() - timedelta(days=100))
    held(course, [enrollment], 60, Status.PRESENT)
    response = report(teacher, course)
    assert response.context["term"] is None
    assert [tally.held for tally in tallies(response, [enrollment])] == [1]


def test_the_scatter_counts_the_scores_of_the_term_shown(teacher, cast, terms, course_over_two_terms):
    enrollments = course_over_two_terms[0]
    for term, value in ((terms[0], 20), (terms[1], 90)):
        assessment = AssessmentFactory(course=cast.course, term=term, max_score=100)
        for enrollment in enrollments:
            ScoreFactory(assessment=assessment, student=enrollment.student, value=value)
    assert {point["score"] for point in report(teacher, cast.course).context["chart_data"]["scatter"]} == {90.0}
    last_term = report(teacher, cast.course, term=terms[0].pk).context["chart_data"]["scatter"]
    assert {point["score"] for point in last_term} == {20.0}


def test_links_and_forms_keep_the_term(teacher, cast, terms, course_over_two_terms):
    text = report(teacher, cast.course, term=terms[0].pk).text
    register = reverse("reports:course_register", args=[cast.course.pk])
    assert f'href="{register}?term={terms[0].pk}"' in text
    assert f'<input type="hidden" name="term" value="{terms[0].pk}">' in text
    assert f"sort=absent&amp;q=&amp;term={terms[0].pk}" in text


def test_the_register_follows_the_term_and_narrows_it_by_dates(teacher, cast, terms, course_over_two_terms):
    _enrollments, old, new = course_over_two_terms
    url = reverse("reports:course_register", args=[cast.course.pk])
    assert teacher.get(url).context["sessions"] == [new]
    assert teacher.get(url, {"term": terms[0].pk}).context["sessions"] == old
    assert teacher.get(url, {"term": "all"}).context["sessions"] == [*old, new]
    day = timezone.localtime(old[1].starts_at).date().isoformat()
    assert teacher.get(url, {"term": terms[0].pk, "from": day}).context["sessions"] == [old[1]]
    # A period outside the term keeps nothing of it.
    assert teacher.get(url, {"term": terms[1].pk, "to": day}).context["sessions"] == []


@pytest.mark.parametrize("kind", ["register", "records"])
def test_the_exports_follow_the_term_the_page_shows(teacher, cast, terms, course_over_two_terms, kind):
    enrollments = course_over_two_terms[0]
    students = len(enrollments)
    url = reverse("reports:course_export", args=[cast.course.pk, kind, "csv"])
    by_term = {
        "default": read_csv(teacher.get(url)),
        "last": read_csv(teacher.get(url, {"term": terms[0].pk})),
        "all": read_csv(teacher.get(url, {"term": "all"})),
    }
    if kind == "register":
        # Three name columns, a column per session, four counts and the rate.
        assert [len(rows[0]) - 8 for rows in by_term.values()] == [1, 2, 3]
        rates = {row[0]: row[-1] for row in by_term["last"][1:]}
        assert {rates[e.student.student_number] for e in enrollments} == {"0.0"}
    else:
        ours = {e.student.student_number for e in enrollments}
        counts = [sum(row[2] in ours for row in rows[1:]) for rows in by_term.values()]
        assert counts == [students, 2 * students, 3 * students]


@pytest.mark.parametrize("view", ["reports:course_report", "reports:course_register"])
@pytest.mark.parametrize("term", ["abc", "0", "999999", "99999999999999999999"])
def test_a_term_that_is_none_is_a_404(teacher, cast, view, term):
    assert teacher.get(reverse(view, args=[cast.course.pk]), {"term": term}).status_code == 404
    export = reverse("reports:course_export", args=[cast.course.pk, "records", "csv"])
    assert teacher.get(export, {"term": term}).status_code == 404


@pytest.mark.parametrize("view", ["reports:course_report", "reports:course_register"])
def test_filtered_by_term_the_pages_make_the_same_queries_at_two_sizes(
    teacher, cast, terms, view, django_assert_num_queries
):
    enrollments = [EnrollmentFactory(course=cast.course, enrolled_on=timezone.localdate() - timedelta(days=100))]
    for days in (60, 10):
        held(cast.course, enrollments, days, Status.PRESENT)
    url = reverse(view, args=[cast.course.pk])
    with CaptureQueriesContext(connection) as small:
        teacher.get(url)
    enrollments += [
        EnrollmentFactory(course=cast.course, enrolled_on=timezone.localdate() - timedelta(days=100)) for _ in range(30)
    ]
    for days in (70, 55, 30, 20, 5, 3):
        held(cast.course, enrollments, days, Status.LATE)
    with django_assert_num_queries(len(small)):
        response = teacher.get(url)
    assert response.context["term"] == terms[1]
