"""The register keeps its colours on paper: the cells and the legend, in a real browser's print rendering."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, StudentFactory, TeacherFactory
from attendance.models import AttendanceRecord, Status
from courses.models import SessionState
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory

pytestmark = pytest.mark.browser

COLOUR_ON_PAPER = "el => getComputedStyle(el).printColorAdjust"
BACKGROUND = "el => getComputedStyle(el).backgroundColor"


def test_the_register_prints_its_cells_and_legend_in_colour(page, server):
    teacher = TeacherFactory(email="t@school.org")
    course = CourseFactory(teachers=[teacher])
    student = StudentFactory()
    EnrollmentFactory(course=course, student=student, enrolled_on=timezone.localdate() - timedelta(days=30))
    session = ClassSessionFactory(
        course=course, starts_at=timezone.now() - timedelta(days=2), state=SessionState.CLOSED
    )
    AttendanceRecord.objects.create(session=session, student=student, status=Status.ABSENT)

    page.goto(f"{server}/accounts/login/")
    page.get_by_label("Email").fill("t@school.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(server + reverse("reports:course_register", args=[course.pk]))
    cell = page.locator("#register td.text-bg-danger")
    expect(cell).to_have_text("A")

    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    legend = page.locator(".register-legend .cell").first
    for element in (cell, legend):
        assert element.evaluate(COLOUR_ON_PAPER) == "exact"
        assert element.evaluate(BACKGROUND) not in {"rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"}
