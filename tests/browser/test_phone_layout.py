"""On a phone (390 x 844) no main page is wider than the screen: a wide table scrolls inside its own box, and the
page itself never slides sideways."""

import pytest

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
    assert select.bounding_box()["width"] >= widest + 30
