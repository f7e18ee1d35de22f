"""A teacher logs in, creates a course, adds a weekly series and enrolls a student, in a real browser."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, StudentFactory, TeacherFactory

pytestmark = pytest.mark.browser


def log_in(page, server, email):
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_teacher_sets_up_a_course(page, server):
    TeacherFactory(email="t@school.org", first_name="Tess")
    StudentFactory(email="s@school.org", first_name="Sam", last_name="Stone")

    log_in(page, server, "t@school.org")
    expect(page.get_by_role("heading", name="Hello Tess")).to_be_visible()

    page.get_by_role("link", name="New course").first.click()
    page.get_by_role("textbox", name="Code").fill("bio101")
    page.get_by_label("Title").fill("Biology")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="BIO101 · Biology")).to_be_visible()

    page.get_by_role("button", name="Add sessions").click()
    page.get_by_role("link", name="Weekly series").click()
    page.get_by_label("Tuesday").check()
    page.get_by_label("Starts at").fill("09:00")
    page.get_by_label("Ends at").fill("10:00")
    page.get_by_label("First date").fill("2030-01-01")
    page.get_by_label("Last date").fill("2030-01-31")
    page.get_by_role("button", name="Add the sessions").click()
    expect(page.get_by_text("5 sessions added.")).to_be_visible()

    page.get_by_role("link", name="Roster").click()
    page.get_by_label("Student email or number").fill("s@school.org")
    page.get_by_role("button", name="Enroll").click()
    expect(page.get_by_text("Sam Stone enrolled.")).to_be_visible()
    expect(page.get_by_role("cell", name="s@school.org")).to_be_visible()


def test_a_student_logs_in_and_sees_the_dashboard(page, server):
    StudentFactory(email="s@school.org", first_name="Sam")
    log_in(page, server, "S@School.org")
    expect(page.get_by_role("heading", name="Hello Sam")).to_be_visible()
    page.get_by_role("button", name="Sam").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
