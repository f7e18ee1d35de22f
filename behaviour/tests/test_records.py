"""Recording behaviour, listing it per course, editing and deleting it: through the pages, as real users."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import InstitutionFactory, StudentFactory, TeacherFactory
from behaviour.models import BehaviourRecord, Category, CategoryUse, Polarity
from behaviour.tests.factories import BehaviourRecordFactory, CategoryFactory
from courses.tests.factories import CourseFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def classmate(cast):
    student = StudentFactory(first_name="Cleo")
    EnrollmentFactory(course=cast.course, student=student)
    return student


def post_record(client, cast, **data):
    category = data.pop("category", None) or CategoryFactory(name="Participation")
    fields = {"category": category.pk, "polarity": Polarity.POSITIVE, "date": timezone.localdate().isoformat()}
    return client.post(reverse("behaviour:record_create", args=[cast.course.pk]), fields | data)


def test_a_new_institution_starts_with_sensible_categories(db):
    institution = InstitutionFactory()
    categories = Category.objects.filter(institution=institution)
    assert categories.get(name="Kindness").use == CategoryUse.POSITIVE
    assert categories.get(name="Discipline").use == CategoryUse.NEGATIVE
    assert categories.get(name="Participation").use == CategoryUse.BOTH
    assert categories.count() == 8


def test_a_teacher_records_behaviour_for_several_students_at_once(client, cast, classmate):
    client.force_login(cast.teacher)
    response = post_record(client, cast, students=[cast.student.pk, classmate.pk], note="Great group work")
    assert response.status_code == 302
    records = BehaviourRecord.objects.filter(note="Great group work")
    assert {r.student for r in records} == {cast.student, classmate}
    assert all(r.author == cast.teacher and r.course == cast.course for r in records)
    page = client.get(response.url)
    assert "Behaviour recorded for 2 students." in page.content.decode()


def test_the_form_offers_the_roster_and_only_active_categories(client, cast):
    CategoryFactory(name="Retired", active=False)
    client.force_login(cast.teacher)
    page = client.get(reverse("behaviour:record_create", args=[cast.course.pk])).content.decode()
    assert str(cast.student.get_full_name()) in page
    assert cast.other_student.get_full_name() not in page
    assert "Retired" not in page
    assert f'max="{timezone.localdate().isoformat()}"' in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date": "2999-01-01"}, "date", "The date cannot be in the future."),
        ({"students": []}, "students", "This field is required."),
        ({"date": "yesterday"}, "date", "Enter a valid date."),
        ({"polarity": "neutral"}, "polarity", "Select a valid choice."),
    ],
)
def test_bad_input_is_reported_beside_its_field_and_saves_nothing(client, cast, data, field, message):
    client.force_login(cast.teacher)
    before = BehaviourRecord.objects.count()
    response = post_record(client, cast, **({"students": [cast.student.pk]} | data))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert BehaviourRecord.objects.count() == before


def test_a_category_is_recorded_only_with_the_polarity_it_allows(client, cast):
    client.force_login(cast.teacher)
    kindness = CategoryFactory(name="Kindness", use=CategoryUse.POSITIVE)
    response = post_record(client, cast, students=[cast.student.pk], category=kindness, polarity=Polarity.NEGATIVE)
    assert response.context["form"].errors["polarity"] == ["Kindness cannot be recorded as negative."]
    assert not BehaviourRecord.objects.filter(category=kindness).exists()


def test_a_student_of_another_course_cannot_be_slipped_in(client, cast):
    client.force_login(cast.teacher)
    before = BehaviourRecord.objects.count()
    response = post_record(client, cast, students=[cast.student.pk, cast.other_student.pk])
    assert "students" in response.context["form"].errors
    assert BehaviourRecord.objects.count() == before


def test_the_list_filters_by_student_category_polarity_and_period(client, cast, classmate):
    today = timezone.localdate()
    homework = CategoryFactory(name="Homework")
    wanted = BehaviourRecordFactory(
        course=cast.course, student=classmate, category=homework, polarity=Polarity.NEGATIVE, note="No homework"
    )
    BehaviourRecordFactory(course=cast.course, student=cast.student, category=homework, polarity=Polarity.NEGATIVE)
    BehaviourRecordFactory(course=cast.course, student=classmate, polarity=Polarity.POSITIVE)
    BehaviourRecordFactory(
        course=cast.course, student=classmate, category=homework, polarity="negative", date=today - timedelta(days=40)
    )
    BehaviourRecordFactory(course=cast.other_course, student=classmate, category=homework, polarity="negative")
    client.force_login(cast.teacher)
    query = {
        "student": classmate.pk,
        "category": homework.pk,
        "polarity": "negative",
        "first": (today - timedelta(days=7)).isoformat(),
        "last": today.isoformat(),
    }
    response = client.get(reverse("behaviour:course_records", args=[cast.course.pk]), query)
    assert list(response.context["page"]) == [wanted]


def test_the_filters_say_what_an_empty_choice_shows(client, cast):
    client.force_login(cast.teacher)
    page = client.get(reverse("behaviour:course_records", args=[cast.course.pk])).text
    assert '<option value="" selected>All students</option>' in page
    assert '<option value="" selected>All categories</option>' in page
    assert "---------" not in page


def test_a_bad_filter_is_reported_and_ignored(client, cast):
    client.force_login(cast.teacher)
    response = client.get(reverse("behaviour:course_records", args=[cast.course.pk]), {"first": "not-a-date"})
    assert response.status_code == 200
    assert response.context["form"].errors["first"]
    assert list(response.context["page"]) == [cast.behaviour_record]


def test_the_list_takes_the_same_queries_however_many_records(client, cast, django_assert_max_num_queries):
    for _ in range(30):
        BehaviourRecordFactory(course=cast.course, student=cast.student, author=cast.teacher)
    client.force_login(cast.teacher)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("behaviour:course_records", args=[cast.course.pk]))
    assert len(response.context["page"]) == 31


def test_the_author_edits_a_record(client, cast):
    client.force_login(cast.teacher)
    record = cast.behaviour_record
    discipline = CategoryFactory(name="Discipline")
    data = {"category": discipline.pk, "polarity": "negative", "date": record.date.isoformat(), "note": "Rude"}
    response = client.post(reverse("behaviour:record_edit", args=[record.pk]), data)
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.category, record.polarity, record.note) == (discipline, Polarity.NEGATIVE, "Rude")


def test_an_edit_into_the_future_is_refused_and_changes_nothing(client, cast):
    client.force_login(cast.teacher)
    record = cast.behaviour_record
    data = {"category": record.category.pk, "polarity": "positive", "date": "2999-01-01", "note": "Later"}
    response = client.post(reverse("behaviour:record_edit", args=[record.pk]), data)
    assert response.context["form"].errors["date"] == ["The date cannot be in the future."]
    record.refresh_from_db()
    assert record.note == "Helped a classmate"


def test_a_co_teacher_who_did_not_write_a_record_cannot_change_it(client, cast):
    colleague = TeacherFactory()
    cast.course.teachers.add(colleague)
    client.force_login(colleague)
    assert client.get(reverse("behaviour:course_records", args=[cast.course.pk])).status_code == 200
    assert client.get(reverse("behaviour:record_edit", args=[cast.behaviour_record.pk])).status_code == 404
    assert client.post(reverse("behaviour:record_delete", args=[cast.behaviour_record.pk])).status_code == 404
    assert BehaviourRecord.objects.filter(pk=cast.behaviour_record.pk).exists()


def test_an_administrator_deletes_any_record(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("behaviour:record_delete", args=[cast.behaviour_record.pk]))
    assert response.status_code == 302
    assert not BehaviourRecord.objects.filter(pk=cast.behaviour_record.pk).exists()


def test_the_author_deletes_their_record_after_confirming(client, cast):
    client.force_login(cast.teacher)
    url = reverse("behaviour:record_delete", args=[cast.behaviour_record.pk])
    assert "cannot be undone" in client.get(url).content.decode()
    assert BehaviourRecord.objects.filter(pk=cast.behaviour_record.pk).exists()
    client.post(url)
    assert not BehaviourRecord.objects.filter(pk=cast.behaviour_record.pk).exists()


def test_a_long_list_comes_in_pages_that_keep_the_filters(client, cast):
    for _ in range(55):
        BehaviourRecordFactory(course=cast.course, student=cast.student, polarity=Polarity.POSITIVE)
    client.force_login(cast.teacher)
    url = reverse("behaviour:course_records", args=[cast.course.pk])
    first = client.get(url, {"polarity": "positive"})
    assert len(first.context["page"]) == 50
    assert "?page=2&amp;polarity=positive" in first.content.decode()
    assert len(client.get(url, {"polarity": "positive", "page": 2}).context["page"]) == 6


def test_a_course_with_behaviour_records_is_kept_and_says_why(client, cast):
    course = CourseFactory(teachers=[cast.teacher])
    BehaviourRecordFactory(course=course, author=cast.teacher)
    client.force_login(cast.teacher)
    response = client.post(reverse("courses:course_delete", args=[course.pk]), follow=True)
    assert "has attendance, grades or behaviour records, so it cannot be deleted" in response.text
    assert BehaviourRecord.objects.filter(course=course).exists()
