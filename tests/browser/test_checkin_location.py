"""A course that checks where students are: the browser gives its position with the code; inside the radius the
check-in goes through and the teacher sees how far it came from, outside (or with the position refused) it is
refused with the reason."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory, TeacherFactory
from attendance import services
from attendance.models import AttendanceRecord
from attendance.tests.test_integrity import HALL, north
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from tests.browser.checks import axe_check
from tests.browser.test_teacher_journey import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def lecture(server):
    teacher = TeacherFactory(email="t@school.org")
    course = CourseFactory(code="GEO1", teachers=[teacher], latitude=HALL[0], longitude=HALL[1], radius=100)
    students = {
        name: EnrollmentFactory(
            course=course, student=StudentFactory(email=f"{name}@school.org", first_name=name.title(), last_name="Doe")
        ).student
        for name in ["inside", "outside", "declines"]
    }
    now = timezone.now()
    session = ClassSessionFactory(course=course, starts_at=now, ends_at=now + timedelta(hours=1))
    code = services.session_open(session=session, by=teacher)
    return session, code, students


@pytest.fixture
def phone(browser, server):
    """Opens the check-in page on a phone that is `metres` north of the hall and shares it, or (None) on one
    whose user declines; the phones close before the server stops."""
    contexts = []

    def open_page(name, metres=None):
        options = {"viewport": {"width": 390, "height": 844}}
        if metres is not None:
            options["geolocation"] = {"latitude": north(metres), "longitude": HALL[1], "accuracy": 12}
        context = browser.new_context(**options)
        contexts.append(context)
        if metres is not None:
            context.grant_permissions(["geolocation"], origin=server)
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, server, f"{name}@school.org")
        page.goto(f"{server}/checkin/")
        return page

    yield open_page
    for context in contexts:
        context.close()


def check_in(page, code):
    page.get_by_label("Code").fill(code.code)
    page.get_by_role("button", name="Check in", exact=True).click()


def test_inside_the_radius_the_check_in_goes_through_and_the_teacher_sees_the_distance(server, lecture, page, phone):
    session, code, students = lecture
    log_in(page, server, "t@school.org")
    page.goto(f"{server}/sessions/{session.pk}/live/")
    expect(page.locator("[data-live-status]")).to_have_text("Live")

    student = phone("inside", metres=40)
    expect(student.get_by_text("This check-in needs your location")).to_be_visible()
    assert axe_check(student, server) == []
    check_in(student, code)
    expect(student.get_by_text("Check-in received.")).to_be_visible()

    record = AttendanceRecord.objects.get(session=session, student=students["inside"])
    assert record.distance == pytest.approx(40, abs=1) and record.accuracy == 12
    expect(page.locator("#checkins tr", has_text="Inside Doe")).to_contain_text("40 m (±12 m)")


def test_outside_the_radius_the_check_in_is_refused_with_the_distance(server, lecture, phone):
    session, code, students = lecture
    student = phone("outside", metres=900)
    check_in(student, code)
    expect(student.get_by_text("You are about 900 m from the place of GEO1")).to_be_visible()
    assert axe_check(student, server) == []
    assert not AttendanceRecord.objects.filter(session=session, student=students["outside"]).exists()


def test_a_student_who_does_not_share_the_position_is_told_to(lecture, phone):
    session, code, students = lecture
    student = phone("declines")
    check_in(student, code)
    expect(student.get_by_text("GEO1 checks where you are: allow this page to use your location")).to_be_visible()
    assert not AttendanceRecord.objects.filter(session=session, student=students["declines"]).exists()


def test_a_teacher_in_the_room_sets_the_place_with_the_button(browser, server):
    teacher = TeacherFactory(email="t@school.org")
    course = CourseFactory(code="GEO2", teachers=[teacher])
    context = browser.new_context(geolocation={"latitude": HALL[0], "longitude": HALL[1], "accuracy": 8})
    context.grant_permissions(["geolocation"], origin=server)
    page = context.new_page()
    log_in(page, server, "t@school.org")
    page.goto(f"{server}/courses/{course.pk}/edit/")
    page.get_by_role("button", name="Use my current position as the place").click()
    expect(page.get_by_role("status")).to_have_text(
        "Filled in with your position (accurate to 8 m). Set a radius, then save."
    )
    expect(page.get_by_label("Latitude")).to_have_value(f"{HALL[0]:.6f}")
    page.get_by_label("Radius (metres)").fill("120")
    assert axe_check(page, server) == []
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Check-in within 120 m of 48.846200, 2.344400")).to_be_visible()
    course.refresh_from_db()
    assert (course.latitude, course.longitude, course.radius) == (*HALL, 120)
    context.close()
