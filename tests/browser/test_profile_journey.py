"""A parent opens their child's profile from the child's page and sees both charts drawn, and sees the averages,
the score chart and the timeline follow when the teacher releases scores; a teacher sees their students'
attendance against their scores on the course report."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import ParentFactory, StudentFactory, TeacherFactory
from attendance.models import Status
from attendance.tests.factories import AttendanceRecordFactory
from behaviour.tests.factories import BehaviourRecordFactory
from courses.models import SessionState
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from grades import services as grade_services
from grades.models import Release
from grades.tests.factories import AssessmentFactory, ScoreFactory
from tests.browser.checks import axe_check
from tests.browser.test_teacher_journey import log_in

pytestmark = pytest.mark.browser


DRAWN = (
    'name => window.Chart && Chart.getChart(document.querySelector(`canvas[data-chart="${name}"]`))'
    ' && Chart.getChart(document.querySelector(`canvas[data-chart="${name}"]`)).data.datasets[0].data.length'
)


def ann_in_maths():
    """Ann, in MATH1 for six weeks: three sessions (one absent), two released scores (60 % and 80 %), a record."""
    teacher = TeacherFactory(email="t@school.org")
    student = StudentFactory(first_name="Ann", last_name="Stone")
    ParentFactory(email="p@school.org", children=[student])
    course = CourseFactory(code="MATH1", subject="Mathematics", teachers=[teacher])
    EnrollmentFactory(course=course, student=student, enrolled_on=timezone.localdate() - timedelta(days=40))
    for weeks, status in ((3, Status.PRESENT), (2, Status.ABSENT), (1, Status.PRESENT)):
        session = ClassSessionFactory(
            course=course, starts_at=timezone.now() - timedelta(weeks=weeks), state=SessionState.CLOSED
        )
        AttendanceRecordFactory(session=session, student=student, status=status)
    for days, value in ((20, 12), (10, 16)):
        assessment = AssessmentFactory(
            course=course, release=Release.NOW, date=timezone.localdate() - timedelta(days=days)
        )
        ScoreFactory(assessment=assessment, student=student, value=Decimal(value))
    BehaviourRecordFactory(student=student, course=course, author=teacher)
    return course


def test_a_parent_opens_their_childs_profile_and_sees_the_charts(page, server):
    ann_in_maths()
    log_in(page, server, "p@school.org")
    page.get_by_role("link", name="Ann Stone").first.click()
    page.get_by_role("link", name="Student profile").click()
    expect(page.get_by_role("heading", name="Ann Stone")).to_be_visible()
    expect(page.locator("#profile-courses [data-average]")).to_have_text("70.0 % · C")
    expect(page.locator("#profile-subjects")).to_contain_text("Mathematics: 70.0 %")
    for name in ("scores", "weekly"):
        # Chart.js keeps a chart per canvas it has drawn, with the data it drew.
        page.wait_for_function(DRAWN, arg=name)
    points = page.evaluate(
        "() => Chart.getChart(document.querySelector('canvas[data-chart=\"scores\"]')).data.datasets[0].data"
    )
    assert points == [60, 80]
    # The score trend's axis names each point by its assessment's day, as the weekly chart does.
    days = page.evaluate(
        "() => Chart.getChart(document.querySelector('canvas[data-chart=\"scores\"]')).scales.x.ticks.map(t => t.label)"
    )
    assert days == [(timezone.localdate() - timedelta(days=n)).isoformat() for n in (20, 10)]
    assert not axe_check(page, server)


def release_then_close(assessment):
    try:
        grade_services.assessment_release(assessment=assessment)
    finally:
        connection.close()


def test_a_release_reaches_the_open_profile_of_the_parent(page, server):
    course = ann_in_maths()
    ann = course.enrollments.get().student
    exam = AssessmentFactory(course=course, title="Algebra exam", release=Release.NEVER)
    ScoreFactory(assessment=exam, student=ann, value=Decimal(20))
    log_in(page, server, "p@school.org")
    page.goto(f"{server}/students/{ann.pk}/")
    expect(page.locator("[data-personal-socket][data-connected]")).to_be_attached()
    page.wait_for_function(DRAWN, arg="scores")
    page.evaluate("window.notReloaded = true")
    expect(page.locator("#profile-courses [data-average]")).to_have_text("70.0 % · C")

    # From a thread of its own, as a view runs: this one runs Playwright's event loop, which pushes refuse.
    release = threading.Thread(target=release_then_close, args=(exam,))
    release.start()
    release.join()

    expect(page.locator("#profile-courses [data-average]")).to_have_text("80.0 % · B")
    expect(page.locator("#profile-subjects")).to_contain_text("Mathematics: 80.0 %")
    expect(page.locator("#profile-timeline")).to_contain_text("Algebra exam")
    page.wait_for_function(
        "() => Chart.getChart(document.querySelector('canvas[data-chart=\"scores\"]')).data.datasets[0].data.length"
        " === 3"
    )
    points = page.evaluate(
        "() => Chart.getChart(document.querySelector('canvas[data-chart=\"scores\"]')).data.datasets[0].data"
    )
    assert points == [60, 80, 100]
    assert page.evaluate("window.notReloaded")
    # The release's notice comes as a toast; closed before the check, which would catch it half faded.
    expect(page.locator(".toast")).to_contain_text("Scores released")
    page.locator(".toast .btn-close").click()
    expect(page.locator(".toast")).to_have_count(0)
    assert not axe_check(page, server)


def test_a_teacher_sees_attendance_against_scores_on_the_course_report(page, server):
    course = ann_in_maths()
    log_in(page, server, "t@school.org")
    page.goto(f"{server}/courses/{course.pk}/report/")
    page.wait_for_function(DRAWN, arg="scatter")
    points = page.evaluate(
        "() => Chart.getChart(document.querySelector('canvas[data-chart=\"scatter\"]')).data.datasets[0].data"
    )
    assert [(p["name"], p["x"], p["y"]) for p in points] == [("Ann Stone", 66.7, 70.0)]
    assert not axe_check(page, server)
