"""The progress dashboards (institution, a teacher's courses), their alert lists, and the weekly alerts that send
them."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ParentFactory, StudentFactory, first_institution, institution_settings
from attendance.models import AttendanceRecord, Status
from behaviour.tests.factories import BehaviourRecordFactory
from courses.models import SessionState
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from grades.tests.factories import AssessmentFactory, ScoreFactory
from notifications.models import Kind, Notification
from reports.models import AlertReason, AttendanceAlert
from reports.progress import progress_overview
from reports.services import send_attendance_alerts

pytestmark = pytest.mark.django_db


def classroom(course, people, sessions=4, assessments=2):
    """Enrol `people` {student: (sessions attended of `sessions`, score out of 100, negative records)}."""
    now = timezone.now()
    held = [
        ClassSessionFactory(course=course, starts_at=now - timedelta(days=2 * i + 1), state=SessionState.CLOSED)
        for i in range(sessions)
    ]
    tests = [AssessmentFactory(course=course, max_score=Decimal(100)) for _ in range(assessments)]
    for student, (attended, score, negatives) in people.items():
        EnrollmentFactory(course=course, student=student, enrolled_on=timezone.localdate() - timedelta(days=60))
        AttendanceRecord.objects.bulk_create(
            AttendanceRecord(session=s, student=student, status=Status.PRESENT if i < attended else Status.ABSENT)
            for i, s in enumerate(held)
        )
        for test in tests:
            ScoreFactory(assessment=test, student=student, value=Decimal(score))
        for _ in range(negatives):
            BehaviourRecordFactory(student=student, course=course, author=course.teachers.first(), polarity="negative")


@pytest.fixture
def school(cast):
    """In the cast's course: Hana (a high performer), Lou (low scores), Abe (absent), Bea (three negative
    records); in the other teacher's course, Olga (low scores)."""
    people = {name: StudentFactory(first_name=name, last_name="Test") for name in ("Hana", "Lou", "Abe", "Bea")}
    ParentFactory(first_name="Lou's parent", children=[people["Lou"]])
    for course, subject in ((cast.course, "Mathematics"), (cast.other_course, "Physics")):
        course.subject = subject
        course.save()
    classroom(
        cast.course,
        {
            people["Hana"]: (4, 92, 0),
            people["Lou"]: (4, 40, 0),
            people["Abe"]: (1, 75, 0),
            people["Bea"]: (4, 75, 3),
        },
    )
    cast.course.enrollments.filter(student=cast.student).delete()
    cast.other_course.enrollments.all().delete()
    classroom(cast.other_course, {cast.other_student: (4, 30, 0)})
    return people


def names(alerts):
    return sorted(alert.student.first_name for alert in alerts)


def test_the_institutions_lists(cast, school):
    from behaviour.selectors import institution_records
    from courses.selectors import active_courses

    overview = progress_overview(
        active_courses(first_institution()), institution_records(first_institution()), institution=first_institution()
    )
    assert overview["student_count"] == 5
    assert [p.student.first_name for p in overview["high_performers"]] == ["Hana"]
    assert names(overview["alerts"][AlertReason.LOW_PERFORMANCE]) == ["Lou", "Olga"]
    assert names(overview["alerts"][AlertReason.LOW_ATTENDANCE]) == ["Abe"]
    behaviour = overview["alerts"][AlertReason.BEHAVIOUR]
    assert names(behaviour) == ["Bea"] and "3 negative records in 30 days" in behaviour[0].detail
    assert overview["average"] == pytest.approx((92 + 40 + 75 + 75 + 30) / 5)
    assert overview["tally"].attended == 4 + 4 + 1 + 4 + 4
    assert [(row["subject"], row["mean"]) for row in overview["subjects"]] == [
        ("Mathematics", pytest.approx((92 + 40 + 75 + 75) / 4)),
        ("Physics", pytest.approx(30)),
    ]


def test_the_marks_are_settings(cast, school, settings):
    from behaviour.selectors import institution_records
    from courses.selectors import active_courses

    institution_settings(high_performer_min_average=70, low_performance_below=35)
    overview = progress_overview(
        active_courses(first_institution()), institution_records(first_institution()), institution=first_institution()
    )
    assert [p.student.first_name for p in overview["high_performers"]] == ["Bea", "Hana"]
    assert names(overview["alerts"][AlertReason.LOW_PERFORMANCE]) == ["Olga"]


def test_an_administrator_sees_the_institution(client, cast, school):
    client.force_login(cast.admin)
    response = client.get(reverse("reports:progress"))
    assert response.context["student_count"] == 5
    page = response.content.decode()
    assert "Olga" in page and "Hana" in page and reverse("reports:student_profile", args=[school["Lou"].pk]) in page


def test_a_high_performers_figures_say_which_is_the_average_and_which_the_attendance(client, cast, school):
    client.force_login(cast.admin)
    page = client.get(reverse("reports:progress")).content.decode()
    listed = page.split('id="progress-high-performers">')[1].split("</ul>")[0]
    first = " ".join(re.sub(r"<[^>]+>", " ", listed.split("</li>")[0]).split())
    assert re.fullmatch(r"\S+ \S+ average \d+\.\d % · attendance \d+\.\d %", first), first


def test_a_teacher_sees_their_courses_only(client, cast, school):
    client.force_login(cast.teacher)
    response = client.get(reverse("reports:progress"))
    assert response.context["student_count"] == 4
    assert names(response.context["alerts"][AlertReason.LOW_PERFORMANCE]) == ["Lou"]
    assert "Olga" not in response.content.decode()


@pytest.mark.parametrize("role", ["student", "parent"])
def test_families_do_not_find_the_dashboard(client, cast, role):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("reports:progress")).status_code == 404


def test_the_dashboard_is_linked_from_the_menu(client, cast):
    client.force_login(cast.teacher)
    assert reverse("reports:progress") in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("role", ["teacher", "admin"])
def test_the_dashboard_makes_the_same_queries_at_two_sizes(client, cast, role, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(getattr(cast, role))
    classroom(cast.course, {StudentFactory(): (1, 40, 3), StudentFactory(): (3, 95, 0)})
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("reports:progress"))
    for _ in range(3):
        course = CourseFactory(teachers=[cast.teacher])
        classroom(course, {StudentFactory(): (i % 4, 30 + 10 * i, i % 4) for i in range(8)}, sessions=6, assessments=4)
    with django_assert_num_queries(len(small)):
        response = client.get(reverse("reports:progress"))
    assert response.context["student_count"] > 20


class TestWeeklyAlerts:
    def test_each_list_is_sent_once_per_student_and_reason(self, cast, school):
        call_command("send_attendance_alerts")
        sent = set(AttendanceAlert.objects.values_list("student__first_name", "reason"))
        assert sent == {
            ("Abe", AlertReason.LOW_ATTENDANCE),
            ("Lou", AlertReason.LOW_PERFORMANCE),
            ("Olga", AlertReason.LOW_PERFORMANCE),
            ("Bea", AlertReason.BEHAVIOUR),
        }
        count = Notification.objects.count()
        call_command("send_attendance_alerts")
        assert AttendanceAlert.objects.count() == 4 and Notification.objects.count() == count

    def test_low_performance_tells_the_family_and_the_teachers(self, cast, school):
        send_attendance_alerts()
        lou = school["Lou"]
        told = set(Notification.objects.filter(kind=Kind.LOW_PERFORMANCE).values_list("user", flat=True))
        assert {lou.pk, lou.parents.get().pk, cast.teacher.pk} <= told
        assert AttendanceAlert.objects.get(student=lou).rate == pytest.approx(40.0)
        link = Notification.objects.filter(user=lou).get().url
        assert link == reverse("reports:student_profile", args=[lou.pk])

    def test_a_behavioural_concern_tells_the_teachers_only(self, cast, school):
        send_attendance_alerts()
        told = list(Notification.objects.filter(kind=Kind.BEHAVIOUR_CONCERN).values_list("user", flat=True))
        assert told == [cast.teacher.pk]

    def test_a_week_later_they_are_sent_again(self, cast, school):
        assert len(send_attendance_alerts()) == 4
        assert send_attendance_alerts(now=timezone.now() + timedelta(days=6)) == []
        assert len(send_attendance_alerts(now=timezone.now() + timedelta(days=7, minutes=1))) == 4
