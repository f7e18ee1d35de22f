"""On a phone (390 x 844) no main page is wider than the screen: a wide table scrolls inside its own box, and the
page itself never slides sideways."""

import pytest

from grades.models import Release
from grades.tests.factories import AssessmentFactory, ScoreFactory
from tests.browser.test_accessibility import pages_for, scene
from tests.browser.test_teacher_journey import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("role", ["student", "teacher", "parent", "admin"])
def test_no_main_page_is_wider_than_a_phone(browser, server, role):
    objects = scene()
    page = browser.new_context(viewport=PHONE).new_page()
    page.set_default_timeout(10_000)
    log_in(page, server, f"{role}@school.org")
    page.wait_for_url(f"{server}/")

    too_wide = []
    for name, path in pages_for(role, **objects).items():
        page.goto(f"{server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"{name} ({path}): {width} px")
    page.context.close()

    assert not too_wide, "pages wider than a phone:\n" + "\n".join(too_wide)


def test_a_participation_status_reads_in_full_on_a_phone(browser, server):
    objects = scene()
    page = browser.new_context(viewport=PHONE).new_page()
    log_in(page, server, "teacher@school.org")
    page.wait_for_url(f"{server}/")
    page.goto(f"{server}/behaviour/courses/{objects['course'].pk}/events/new/")

    select = page.locator("#participation-form select").first
    # The widest choice ("Not recorded", "Participated") and the arrow fit: the table scrolls rather than cut it.
    widest = select.evaluate(
        "s => { const c = document.createElement('canvas').getContext('2d'); c.font = getComputedStyle(s).font;"
        " return Math.max(...[...s.options].map(o => c.measureText(o.text).width)); }"
    )
    width = select.bounding_box()["width"]
    page.context.close()
    assert width >= widest + 30


def test_the_gradebook_keeps_each_students_name_in_view_while_its_scores_scroll(browser, server):
    objects = scene()
    for number in range(6):
        quiz = AssessmentFactory(course=objects["course"], title=f"Weekly quiz {number}", release=Release.NOW)
        ScoreFactory(assessment=quiz, student=objects["student"])
    page = browser.new_context(viewport=PHONE).new_page()
    log_in(page, server, "teacher@school.org")
    page.wait_for_url(f"{server}/")
    page.goto(f"{server}/grades/courses/{objects['course'].pk}/")

    page.locator("#gradebook").evaluate("table => table.parentElement.scrollLeft = table.scrollWidth")
    name = page.locator("#gradebook tbody th").first
    average = page.locator("#gradebook thead th", has_text="Average")
    box, average_box = name.bounding_box(), average.bounding_box()
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('th')?.scope === 'row'", [box["x"] + 5, box["y"] + 5]
    )
    page.context.close()
    assert 0 <= box["x"] < 20 and on_top
    # The average, at the far right, now shows beside the name and not under it.
    assert average_box["x"] >= box["x"] + box["width"]
