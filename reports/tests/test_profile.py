"""The student profile: attendance, released scores, behaviour and participation of one student, for the student,
their parents, their teachers (their courses only) and administrators."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format

from accounts.tests.factories import StudentFactory, institution_settings
from attendance.models import AttendanceRecord, Status
from attendance.tests.factories import AttendanceRecordFactory
from behaviour.tests.factories import BehaviourRecordFactory, ParticipationFactory
from courses.models import SessionState
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from grades.models import Release
from grades.tests.factories import AssessmentFactory, ScoreFactory

pytestmark = pytest.mark.django_db


def url(student):
    return reverse("reports:student_profile", args=[student.pk])


def held(course, days_ago):
    return ClassSessionFactory(
        course=course, starts_at=timezone.now() - timedelta(days=days_ago), state=SessionState.CLOSED
    )


@pytest.fixture
def scene(cast):
    """The cast's student in the cast's course (Mathematics) and in a second course of another teacher
    (Physics), with attendance, released and unreleased scores, and behaviour in each."""
    cast.course.subject = "Mathematics"
    cast.course.save()
    physics = CourseFactory(code="PHY1", subject="Physics", teachers=[cast.other_teacher])
    for course in (cast.course, physics):
        course.enrollments.filter(student=cast.student).delete()
        EnrollmentFactory(course=course, student=cast.student, enrolled_on=timezone.localdate() - timedelta(days=60))
    for days_ago, status in ((15, Status.PRESENT), (8, Status.ABSENT), (1, Status.PRESENT)):
        AttendanceRecordFactory(session=held(cast.course, days_ago), student=cast.student, status=status)
    AttendanceRecordFactory(session=held(physics, 3), student=cast.student, status=Status.ABSENT)
    quiz = AssessmentFactory(course=cast.course, title="Fractions quiz", release=Release.NOW, max_score=Decimal(20))
    ScoreFactory(assessment=quiz, student=cast.student, value=Decimal(15))
    hidden = AssessmentFactory(course=cast.course, title="Unreleased test", release=Release.NEVER)
    ScoreFactory(assessment=hidden, student=cast.student, value=Decimal(2))
    lab = AssessmentFactory(course=physics, title="Lab report", release=Release.NOW, max_score=Decimal(10))
    ScoreFactory(assessment=lab, student=cast.student, value=Decimal(5))
    BehaviourRecordFactory(student=cast.student, course=physics, author=cast.other_teacher, note="Physics note")
    BehaviourRecordFactory(student=cast.student, course=cast.course, author=cast.teacher, polarity="negative")
    return physics


def test_a_parent_sees_their_childs_attendance_scores_behaviour_and_charts(client, cast, scene):
    client.force_login(cast.parent)
    response = client.get(url(cast.student))
    assert response.status_code == 200
    rows = {row.course.code: row for row in response.context["rates"]}
    assert set(rows) == {cast.course.code, "PHY1"}
    assert rows[cast.course.code].tally.attended == 2 and rows[cast.course.code].tally.absent >= 1
    assert rows[cast.course.code].grades.average == pytest.approx(75.0)
    assert rows["PHY1"].grades.average == pytest.approx(50.0)
    assert [(s.subject, round(s.average)) for s in response.context["subjects"]] == [
        ("Mathematics", 75),
        ("Physics", 50),
    ]
    assert response.context["balance"] == {"positive": 2, "negative": 1}
    kinds = {entry.kind for entry in response.context["timeline"]}
    assert kinds == {"attendance", "score", "behaviour", "event"}
    days = [entry.day for entry in response.context["timeline"]]
    assert days == sorted(days, reverse=True)
    charts = response.context["chart_data"]
    assert [point["score"] for point in charts["scores"]] == [75.0, 50.0]
    assert charts["weekly"] and all(0 <= rate <= 100 for _, rate in charts["weekly"])
    content = response.content.decode()
    assert "Fractions quiz" in content and "Unreleased test" not in content
    assert 'id="chart-data"' in content and 'data-chart="scores"' in content and 'data-chart="weekly"' in content


def test_a_teacher_sees_only_the_courses_they_teach(client, cast, scene):
    client.force_login(cast.teacher)
    response = client.get(url(cast.student))
    assert [row.course for row in response.context["rates"]] == [cast.course]
    assert [s.subject for s in response.context["subjects"]] == ["Mathematics"]
    content = response.content.decode()
    assert "PHY1" not in content and "Lab report" not in content and "Physics note" not in content


def test_another_teacher_sees_their_own_course_of_the_student(client, cast, scene):
    client.force_login(cast.other_teacher)
    response = client.get(url(cast.student))
    assert [row.course for row in response.context["rates"]] == [scene]


def test_an_administrator_sees_every_course(client, cast, scene):
    client.force_login(cast.admin)
    response = client.get(url(cast.student))
    assert {row.course.code for row in response.context["rates"]} == {cast.course.code, "PHY1"}


def test_the_family_does_not_see_negative_records_when_the_school_says_so(client, cast, scene, settings):
    institution_settings(parents_see_negative=False)
    client.force_login(cast.student)
    response = client.get(url(cast.student))
    assert response.context["balance"]["negative"] == 0
    assert all(entry.item.polarity == "positive" for entry in response.context["timeline"] if entry.kind == "behaviour")


def test_a_session_in_the_timeline_names_its_course_and_day_once(client, cast, scene):
    client.force_login(cast.parent)
    response = client.get(url(cast.student))
    session = next(entry.item[0] for entry in response.context["timeline"] if entry.kind == "attendance")
    start = timezone.localtime(session.starts_at)
    entry = re.search(r'data-kind="attendance">(.*?)</li>', response.content.decode(), re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", " ", entry).split())
    assert text.startswith(f"{date_format(start)} {cast.course.code} · Session at {time_format(start)}")
    assert text.count(cast.course.code) == 1 and text.count(date_format(start)) == 1


@pytest.mark.parametrize("viewer", ["other_parent", "other_teacher", "other_student"])
def test_out_of_scope_is_not_found(client, cast, viewer):
    client.force_login(getattr(cast, viewer))
    assert client.get(url(cast.student)).status_code == 404


def test_a_student_without_anything_sees_empty_states(client):
    student = StudentFactory()
    client.force_login(student)
    response = client.get(url(student))
    content = response.content.decode()
    assert "No course to show." in content and "Nothing recorded yet." in content


def grow(cast, courses, sessions, assessments):
    """More courses of the cast's teacher with the student, each with held sessions, released scores, behaviour
    records and event participations."""
    for _ in range(courses):
        course = CourseFactory(teachers=[cast.teacher])
        EnrollmentFactory(course=course, student=cast.student, enrolled_on=timezone.localdate() - timedelta(days=90))
        classmates = [EnrollmentFactory(course=course).student for _ in range(3)]
        for index in range(sessions):
            session = held(course, index + 1)
            AttendanceRecord.objects.bulk_create(
                AttendanceRecord(session=session, student=s, status=Status.ABSENT if index % 3 else Status.PRESENT)
                for s in [cast.student, *classmates]
            )
        for _ in range(assessments):
            assessment = AssessmentFactory(course=course, release=Release.NOW)
            for student in [cast.student, *classmates]:
                ScoreFactory(assessment=assessment, student=student)
        BehaviourRecordFactory(student=cast.student, course=course, author=cast.teacher)
        ParticipationFactory(student=cast.student, event__course=course)


@pytest.mark.parametrize("viewer", ["parent", "teacher", "admin"])
def test_the_query_count_stays_flat_as_data_grows(client, cast, viewer, django_assert_max_num_queries):
    client.force_login(getattr(cast, viewer))
    grow(cast, courses=1, sessions=2, assessments=1)
    with django_assert_max_num_queries(20) as small:
        client.get(url(cast.student))
    grow(cast, courses=4, sessions=6, assessments=5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url(cast.student))
    assert len(response.context["rates"]) == 6


@pytest.mark.parametrize("viewer", ["student", "parent"])
def test_the_parts_a_release_makes_open_profiles_fetch_stay_flat_as_data_grows(
    client, cast, viewer, django_assert_max_num_queries
):
    client.force_login(getattr(cast, viewer))
    grow(cast, courses=1, sessions=2, assessments=1)
    with django_assert_max_num_queries(20) as small:
        client.get(url(cast.student), headers={"HX-Request": "true"})
    grow(cast, courses=4, sessions=6, assessments=5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url(cast.student), headers={"HX-Request": "true"})
    fragment = response.content.decode()
    for part in ("profile-summary", "profile-courses", "profile-subjects", "chart-data", "profile-timeline"):
        assert f'id="{part}"' in fragment
    assert "<html" not in fragment and len(response.context["rates"]) == 6


@pytest.mark.parametrize(
    ("viewer", "page"),
    [
        ("teacher", lambda cast: reverse("reports:course_report", args=[cast.course.pk])),
        ("teacher", lambda cast: reverse("courses:roster", args=[cast.course.pk])),
        ("parent", lambda cast: reverse("reports:child_detail", args=[cast.student.pk])),
        ("teacher", lambda cast: reverse("behaviour:student_detail", args=[cast.student.pk])),
        ("student", lambda cast: reverse("home")),
    ],
)
def test_the_places_where_people_look_for_a_student_link_to_the_profile(client, cast, viewer, page):
    client.force_login(getattr(cast, viewer))
    assert url(cast.student) in client.get(page(cast)).content.decode()
