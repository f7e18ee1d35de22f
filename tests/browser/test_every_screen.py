"""A whole session with every screen open at once: two teachers' live pages, the projector, three students'
dashboards. Each page follows every change live (no reload, no console error such as a fragment without a
target), and at the end shows what a fresh load of it shows."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory, TeacherFactory
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from tests.browser.test_teacher_journey import log_in

pytestmark = pytest.mark.browser


def open_page(browser, server, email, url, *, phone=False):
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(10_000)
    log_in(page, server, email)
    page.goto(url)
    page.evaluate("window.notReloaded = true")
    return page


def same_as_fresh(browser, server, email, page, region):
    """The region of an open page reads as it does on a fresh load of the same address."""
    fresh = open_page(browser, server, email, page.url)
    expect(page.locator(region)).to_have_text(fresh.locator(region).inner_text(), use_inner_text=True)
    assert page.evaluate("window.notReloaded"), f"{page.url} reloaded"
    fresh.context.close()


def test_every_open_screen_follows_a_whole_session(browser, server):
    teachers = [TeacherFactory(email=f"t{n}@school.org", first_name=f"T{n}") for n in (1, 2)]
    course = CourseFactory(code="BIO1", teachers=teachers)
    students = [
        StudentFactory(email=f"s{n}@school.org", first_name=name, last_name="Stone", student_number=f"S{n}")
        for n, name in enumerate(["Ann", "Ben", "Cy", "Dee"], start=1)
    ]
    for student in students:
        EnrollmentFactory(course=course, student=student)
    now = timezone.now()
    session = ClassSessionFactory(course=course, starts_at=now, ends_at=now + timedelta(hours=1))
    live_url = f"{server}/sessions/{session.pk}/live/"

    first = open_page(browser, server, "t1@school.org", live_url)
    second = open_page(browser, server, "t2@school.org", live_url)
    projector = first.context.new_page()
    projector.goto(f"{server}/sessions/{session.pk}/projector/")
    pupils = [open_page(browser, server, f"s{n}@school.org", f"{server}/", phone=True) for n in (1, 2, 3)]
    for page in [first, second]:
        expect(page.locator("[data-live-status]")).to_have_text("Live")
    for page in pupils:
        expect(page.locator("[data-personal-socket][data-connected]")).to_be_attached()
        expect(page.locator(f"#session-state-{session.pk}")).to_have_text("Scheduled")

    first.get_by_role("button", name="Open check-in").click()
    code = first.locator("#live-code").get_attribute("data-code")
    expect(second.locator("#live-code")).to_have_text(code)
    expect(projector.locator(".projector-code")).to_have_text(code)
    for page in pupils:
        expect(page.locator(f"#session-state-{session.pk}")).to_have_text("Open")
        expect(page.get_by_text("Not checked in yet")).to_be_visible()

    for page in pupils[:2]:
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Check in", exact=True).click()
        expect(page.locator(f"#checkin-status-{session.pk} .status-badge")).to_have_text("Pending")
    for page in [first, second]:
        expect(page.locator('[data-counter="pending"]')).to_have_text("2")

    first.get_by_role("link", name="Roll call").click()
    first.get_by_role("group", name="Cy Stone").get_by_text("Late").click()
    first.get_by_role("button", name="Save").first.click()
    expect(second.locator("#checkins tr", has_text="Cy Stone")).to_contain_text("Late")
    expect(pupils[2].locator(f"#checkin-status-{session.pk} .status-badge")).to_have_text("Late")

    first.get_by_role("button", name="Validate all 2 pending").click()
    for page in pupils[:2]:
        expect(page.locator(f"#checkin-status-{session.pk} .status-badge")).to_have_text("Present")
    expect(second.locator('[data-counter="validated"]')).to_have_text("3")
    expect(second.get_by_role("button", name="Validate all 2 pending")).to_have_count(0)

    first.on("dialog", lambda dialog: dialog.accept())
    first.locator("#code-panel").get_by_role("button", name="Close").click()
    expect(first.get_by_text("Check-in is closed")).to_be_visible()
    expect(second.get_by_text("Check-in is closed")).to_be_visible()
    expect(second.locator("#checkins tr", has_text="Dee Stone")).to_contain_text("Absent")
    expect(projector.get_by_text("Check-in is not open.")).to_be_visible(timeout=15_000)
    for page in pupils:
        expect(page.locator(f"#session-state-{session.pk}")).to_have_text("Closed")
        expect(page.get_by_text("Check in now")).to_have_count(0)

    # The first teacher's page was reloaded by the roll call's redirect; the others never were.
    same_as_fresh(browser, server, "t2@school.org", second, "#live-body")
    for n, page in enumerate(pupils, start=1):
        same_as_fresh(browser, server, f"s{n}@school.org", page, "main")
    projector.evaluate("window.notReloaded = true")
    same_as_fresh(browser, server, "t1@school.org", projector, "#projection")
