"""A teacher records behaviour for several students at once; a parent's open pages (the child's behaviour page and
profile) show the positive record at once, with no reload, and not the negative one when the school keeps negative
records from parents."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import ParentFactory, StudentFactory, TeacherFactory, institution_settings
from behaviour.models import BehaviourRecord, CategoryUse
from behaviour.tests.factories import CategoryFactory
from courses.tests.factories import CourseFactory, EnrollmentFactory
from tests.browser.checks import axe_check
from tests.browser.test_gradebook_journey import open_as
from tests.browser.test_teacher_journey import log_in
from tests.live import daphne

pytestmark = pytest.mark.browser


@pytest.fixture
def server_hiding_negative_records(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    institution_settings(parents_see_negative=False)
    with daphne() as url:
        yield url


def test_a_teacher_records_behaviour_for_several_students_and_a_parent_sees_the_positive_one(
    browser, server_hiding_negative_records
):
    server = server_hiding_negative_records
    course = CourseFactory(code="BIO1", teachers=[TeacherFactory(email="t@school.org", first_name="Tess")])
    ann = StudentFactory(first_name="Ann", last_name="Stone", student_number="S1")
    ben = StudentFactory(first_name="Ben", last_name="Stone", student_number="S2")
    for student in (ann, ben):
        EnrollmentFactory(course=course, student=student)
    ParentFactory(email="p@school.org", children=[ann])
    # The migration's categories are gone once an earlier test has flushed the database.
    CategoryFactory(name="Participation")
    CategoryFactory(name="Discipline", use=CategoryUse.NEGATIVE)
    violations = []
    # The parent has their child's behaviour page and profile open before anything is recorded.
    parent = open_as(browser, server, "p@school.org", f"{server}/behaviour/students/{ann.pk}/")
    expect(parent.get_by_text("No behaviour record in this period.")).to_be_visible()
    expect(parent.locator("[data-personal-socket][data-connected]")).to_be_attached()
    profile = parent.context.new_page()
    profile.goto(f"{server}/students/{ann.pk}/")
    expect(profile.locator("[data-personal-socket][data-connected]")).to_be_attached()
    profile.evaluate("window.notReloaded = true")
    expect(profile.locator("#profile-positive")).to_have_text("0")

    teacher = browser.new_context().new_page()
    log_in(teacher, server, "t@school.org")
    teacher.get_by_role("link", name="Courses").click()
    teacher.get_by_role("link", name="BIO1").first.click()
    teacher.get_by_role("link", name="Behaviour").last.click()
    teacher.get_by_role("link", name="Record behaviour").click()
    violations += axe_check(teacher, server)
    teacher.get_by_label("Ann Stone (S1)").check()
    teacher.get_by_label("Ben Stone (S2)").check()
    teacher.get_by_label("Category").select_option(label="Participation")
    teacher.get_by_label("Positive", exact=True).check()
    teacher.get_by_label("Note").fill("Great teamwork")
    teacher.get_by_role("button", name="Save").click()
    expect(teacher.get_by_text("Behaviour recorded for 2 students.")).to_be_visible()
    expect(teacher.locator("#behaviour-records tbody tr")).to_have_count(2)

    teacher.get_by_role("link", name="Record behaviour").click()
    teacher.get_by_label("Ann Stone (S1)").check()
    teacher.get_by_label("Category").select_option(label="Discipline")
    teacher.get_by_label("Negative", exact=True).check()
    teacher.get_by_label("Note").fill("Phone in class")
    teacher.get_by_role("button", name="Save").click()
    expect(teacher.get_by_text("Behaviour recorded for 1 student.")).to_be_visible()
    violations += axe_check(teacher, server)
    assert BehaviourRecord.objects.filter(student=ann).count() == 2

    records = parent.locator("#student-records")
    expect(records).to_contain_text("Great teamwork")
    expect(records).to_contain_text("Participation")
    expect(parent.locator("#behaviour-balance")).to_contain_text("1")
    expect(profile.locator("#profile-positive")).to_have_text("1")
    expect(profile.locator("#profile-timeline")).to_contain_text("Great teamwork")
    assert parent.evaluate("window.notReloaded") and profile.evaluate("window.notReloaded")
    # The negative record is not shown, live or on a fresh load.
    expect(records).not_to_contain_text("Phone in class")
    expect(profile.locator("#profile-negative")).to_have_text("0")
    parent.reload()
    expect(parent.locator("#student-records")).to_contain_text("Great teamwork")
    expect(parent.locator("#student-records")).not_to_contain_text("Phone in class")
    violations += axe_check(parent, server)
    violations += axe_check(profile, server)
    assert violations == []
