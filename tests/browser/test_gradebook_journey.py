"""A teacher enters a column of scores by keyboard and by paste, with a bad cell refused beside it, releases
them, and the parent's open page shows them at once, with no reload; the grades pages pass axe."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import ParentFactory, StudentFactory, TeacherFactory
from courses.tests.factories import CourseFactory, EnrollmentFactory
from grades.models import Score
from grades.tests.factories import AssessmentFactory
from tests.browser.checks import axe_check
from tests.browser.test_teacher_journey import log_in

pytestmark = pytest.mark.browser


def open_as(browser, server, email, url):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    log_in(page, server, email)
    page.wait_for_url(f"{server}/")
    page.goto(url)
    page.evaluate("window.notReloaded = true")
    return page


def paste(cell, text):
    """What a spreadsheet's copy puts on the clipboard, pasted into `cell`."""
    cell.focus()
    cell.evaluate(
        """(el, text) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        text,
    )


def scores(quiz):
    return {s.student.first_name: (s.value, s.marker) for s in Score.objects.filter(assessment=quiz)}


def test_a_column_typed_and_pasted_then_released_reaches_the_parents_open_page(browser, server):
    teacher = TeacherFactory(email="t@school.org")
    course = CourseFactory(code="MATH1", teachers=[teacher])
    names = ["Ann", "Ben", "Cy", "Dee"]
    students = [
        StudentFactory(first_name=name, last_name="Stone", student_number=f"S{n}") for n, name in enumerate(names)
    ]
    for student in students:
        EnrollmentFactory(course=course, student=student)
    ParentFactory(email="p@school.org", children=[students[0]])
    quiz = AssessmentFactory(course=course, title="Fractions", max_score=Decimal(20))
    quiz_two = AssessmentFactory(course=course, title="Decimals", max_score=Decimal(20))

    parent = open_as(browser, server, "p@school.org", f"{server}/grades/children/{students[0].pk}/")
    expect(parent.get_by_text("No score has been released yet.")).to_be_visible()
    expect(parent.locator("[data-personal-socket][data-connected]")).to_be_attached()

    teacher_page = open_as(browser, server, "t@school.org", f"{server}/grades/assessments/{quiz.pk}/")
    cells = teacher_page.locator("[data-score-cell]")
    # By keyboard: type, Enter moves down; a score above the maximum is refused beside its cell.
    cells.nth(0).click()
    for typed in ["12", "ex", "25"]:
        teacher_page.keyboard.type(typed)
        teacher_page.keyboard.press("Enter")
    teacher_page.keyboard.type("m")
    expect(cells.nth(3)).to_be_focused()
    teacher_page.keyboard.press("Enter")  # on the last cell Enter saves
    expect(teacher_page.get_by_text("Nothing was saved. Fix the marked cells.")).to_be_visible()
    expect(teacher_page.get_by_text("Above the maximum of 20.")).to_be_visible()
    assert scores(quiz) == {}
    cells.nth(2).fill("19.5")
    teacher_page.get_by_role("button", name="Save scores").click()
    expect(teacher_page.get_by_text("4 scores changed.")).to_be_visible()
    assert scores(quiz) == {
        "Ann": (Decimal(12), ""),
        "Ben": (None, "excused"),
        "Cy": (Decimal("19.5"), ""),
        "Dee": (None, "missing"),
    }
    assert not axe_check(teacher_page, server)

    # By paste: a column copied from a spreadsheet fills the cells from the one pasted into.
    teacher_page.goto(f"{server}/grades/assessments/{quiz_two.pk}/")
    paste(cells.nth(0), "18\r\n14\r\nEX\r\n7,5\r\n")
    expect(cells.nth(3)).to_have_value("7,5")
    teacher_page.get_by_role("button", name="Save scores").click()
    expect(teacher_page.get_by_text("4 scores changed.")).to_be_visible()
    assert scores(quiz_two)["Dee"] == (Decimal("7.5"), "")

    # Released: the parent's page, open all along, shows the score beside the class mean, with no reload.
    teacher_page.goto(f"{server}/grades/assessments/{quiz.pk}/")
    teacher_page.get_by_role("button", name="Release now").click()
    expect(teacher_page.get_by_text("Scores released: students and parents were told.")).to_be_visible()
    row = parent.locator(f"#released-{students[0].pk}-assessment-{quiz.pk}")
    expect(row).to_contain_text("Fractions")
    expect(row).to_contain_text("60.0 %")
    expect(row).to_contain_text("78.8 %")  # the class mean of 12 and 19.5 out of 20
    expect(parent.get_by_text("Decimals")).to_have_count(0)
    assert parent.evaluate("window.notReloaded")
    assert not axe_check(parent, server)

    teacher_page.goto(f"{server}/grades/courses/{course.pk}/?term=all")
    expect(teacher_page.locator(f"#student-{students[0].pk}")).to_contain_text("75.0 %")
    assert not axe_check(teacher_page, server)
    for path in [
        f"/grades/courses/{course.pk}/assessments/new/",
        f"/grades/courses/{course.pk}/settings/",
        f"/grades/assessments/{quiz.pk}/upload/",
        "/grades/subjects/?term=all",
    ]:
        assert teacher_page.goto(f"{server}{path}").ok
        assert not axe_check(teacher_page, server), path
    parent.goto(f"{server}/grades/")
    assert not axe_check(parent, server)
    parent.get_by_role("link", name=students[0].get_full_name()).click()
    expect(parent.locator(f"#released-{students[0].pk}-assessment-{quiz.pk}")).to_contain_text("60.0 %")
