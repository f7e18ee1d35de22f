"""The gradebook pages through the test client, with real permissions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.tests.factories import StudentFactory
from courses.tests.factories import EnrollmentFactory, TermFactory
from grades.models import Assessment, Marker, Release, Score, ScoreChange
from grades.tests.factories import AssessmentFactory, ScoreFactory
from notifications.models import Kind, Notification
from tests.strategies import ANY_TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher_client(client, cast):
    client.force_login(cast.teacher)
    return client


@pytest.fixture
def quiz(cast):
    return AssessmentFactory(course=cast.course, title="Fractions", max_score=Decimal(20))


class TestAssessmentCreate:
    def test_a_teacher_adds_an_assessment_and_lands_on_its_grid(self, teacher_client, cast):
        term = TermFactory()
        data = {"title": "Fractions", "type": "quiz", "date": "2026-11-02", "max_score": "20", "weight": "2"}
        response = teacher_client.post(
            reverse("grades:assessment_create", args=[cast.course.pk]), data | {"release": "never"}
        )
        assessment = Assessment.objects.get()
        assert response.url == reverse("grades:score_entry", args=[assessment.pk])
        assert (assessment.course, assessment.term, assessment.weight) == (cast.course, term, 2)

    def test_a_release_from_a_date_without_the_date_is_refused_beside_the_field(self, teacher_client, cast):
        data = {"title": "T", "type": "quiz", "date": "2026-11-02", "max_score": "20", "weight": "1"}
        response = teacher_client.post(
            reverse("grades:assessment_create", args=[cast.course.pk]), data | {"release": "date"}
        )
        assert response.status_code == 200
        assert "Give the date from which the scores are shown." in response.text
        assert not Assessment.objects.exists()


class TestScoreGrid:
    def test_it_shows_each_students_cell_as_typed(self, teacher_client, cast, quiz):
        ScoreFactory(assessment=quiz, student=cast.student, value=None, marker=Marker.EXCUSED)
        response = teacher_client.get(reverse("grades:score_entry", args=[quiz.pk]))
        assert f'name="score-{cast.student.pk}" id="id_score-{cast.student.pk}" value="EX"' in response.text

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("21", "Above the maximum of 20."),
            ("-3", "A score cannot be negative."),
            ("twelve", "is not a score: type a number, EX (excused) or M (missing)."),
        ],
    )
    def test_a_bad_cell_shows_its_message_beside_it_and_nothing_is_saved(
        self, teacher_client, cast, quiz, typed, message
    ):
        classmate = EnrollmentFactory(course=cast.course).student
        data = {f"score-{cast.student.pk}": typed, f"score-{classmate.pk}": "15"}
        response = teacher_client.post(reverse("grades:score_entry", args=[quiz.pk]), data)
        assert response.status_code == 200
        assert "Nothing was saved. Fix the marked cells." in response.text
        assert f'id="id_score-{cast.student.pk}-error">' in response.text and message in response.text
        assert 'value="15"' in response.text
        assert not Score.objects.exists()

    def test_good_cells_are_saved_with_their_history(self, teacher_client, cast, quiz):
        classmate = EnrollmentFactory(course=cast.course).student
        absent = EnrollmentFactory(course=cast.course).student
        data = {f"score-{cast.student.pk}": "17,5", f"score-{classmate.pk}": "m", f"score-{absent.pk}": "ex"}
        response = teacher_client.post(reverse("grades:score_entry", args=[quiz.pk]), data)
        assert response.url == reverse("grades:score_entry", args=[quiz.pk])
        saved = {s.student: (s.value, s.marker) for s in Score.objects.all()}
        assert saved == {
            cast.student: (Decimal("17.5"), ""),
            classmate: (None, Marker.MISSING),
            absent: (None, Marker.EXCUSED),
        }
        assert set(ScoreChange.objects.values_list("by", flat=True)) == {cast.teacher.pk}
        page = teacher_client.get(response.url)
        assert "3 scores changed." in page.text and "— → 17.5" in page.text

    def test_another_teacher_cannot_save_scores(self, client, cast, quiz):
        client.force_login(cast.other_teacher)
        response = client.post(reverse("grades:score_entry", args=[quiz.pk]), {f"score-{cast.student.pk}": "3"})
        assert response.status_code == 404
        assert not Score.objects.exists()


@given(typed=ANY_TEXT)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_in_a_cell_is_saved_whole_or_refused_never_a_500(teacher_client, cast, quiz, typed):
    before = list(Score.objects.values_list("value", "marker"))
    response = teacher_client.post(reverse("grades:score_entry", args=[quiz.pk]), {f"score-{cast.student.pk}": typed})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert list(Score.objects.values_list("value", "marker")) == before


@given(term=st.text(max_size=30))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_term_filter_is_answered(teacher_client, cast, term):
    assert teacher_client.get(reverse("grades:gradebook", args=[cast.course.pk]), {"term": term}).status_code == 200


class TestUpload:
    def test_every_bad_line_is_listed_and_nothing_is_saved(self, teacher_client, cast, quiz):
        upload = SimpleUploadedFile("scores.csv", f"{cast.student.student_number},30\nNOPE,2\n".encode())
        response = teacher_client.post(reverse("grades:score_upload", args=[quiz.pk]), {"upload": upload})
        assert "Line 1: Above the maximum of 20." in response.text
        assert "Line 2: No student of this course has the number “NOPE”." in response.text
        assert not Score.objects.exists()

    def test_good_lines_are_saved(self, teacher_client, cast, quiz):
        text = f"student_number,score\n{cast.student.student_number},12\n"
        response = teacher_client.post(reverse("grades:score_upload", args=[quiz.pk]), {"text": text})
        assert response.status_code == 302
        assert Score.objects.get().value == 12


def test_the_grid_says_whether_the_scores_are_released_and_offers_to_release_them(teacher_client, quiz):
    url = reverse("grades:score_entry", args=[quiz.pk])
    quiz.release, quiz.release_on = Release.ON_DATE, timezone.localdate() + timedelta(days=1)
    quiz.save()
    response = teacher_client.get(url)
    assert "Not released" not in response.text and "Released on" in response.text
    assert reverse("grades:assessment_release", args=[quiz.pk]) in response.text
    quiz.release_on = timezone.localdate()
    quiz.save()
    response = teacher_client.get(url)
    assert "Released to students and parents" in response.text
    assert reverse("grades:assessment_release", args=[quiz.pk]) not in response.text


def test_releasing_tells_the_student_and_the_parent(teacher_client, cast, quiz):
    response = teacher_client.post(reverse("grades:assessment_release", args=[quiz.pk]))
    assert response.status_code == 302
    told = set(Notification.objects.filter(kind=Kind.SCORES_RELEASED).values_list("user", flat=True))
    assert told == {cast.student.pk, cast.parent.pk}


class TestGradebook:
    def test_it_shows_averages_letters_and_figures(self, teacher_client, cast, quiz):
        ScoreFactory(assessment=quiz, student=cast.student, value=17)
        response = teacher_client.get(reverse("grades:gradebook", args=[cast.course.pk]))
        row = response.context["book"].rows[0]
        assert (row.student, row.average, row.letter) == (cast.student, 85.0, "B")
        assert "85.0 %" in response.text and "Fractions" in response.text

    def test_each_cell_shows_the_score_its_marker_or_a_dash(self, teacher_client, cast, quiz):
        other = AssessmentFactory(course=cast.course, max_score=Decimal(10))
        AssessmentFactory(course=cast.course, max_score=Decimal(10))  # not scored yet
        ScoreFactory(assessment=quiz, student=cast.student, value=Decimal("17.5"))
        ScoreFactory(assessment=other, student=cast.student, value=None, marker=Marker.EXCUSED)
        response = teacher_client.get(reverse("grades:gradebook", args=[cast.course.pk]))
        row = response.text.split(cast.student.get_full_name())[1].split("</tr>")[0]
        cells = [cell.split("</td>")[0] for cell in row.split('<td class="text-end">')[1:4]]
        assert cells == [
            "17.5",
            f'<span class="badge {Marker.EXCUSED.badge}" title="{Marker.EXCUSED.label}">EX</span>',
            "—",
        ]

    def test_its_figures_write_points_as_the_cells_do(self, teacher_client, cast, quiz):
        classmate = EnrollmentFactory(course=cast.course).student
        ScoreFactory(assessment=quiz, student=cast.student, value=Decimal("9.5"))
        ScoreFactory(assessment=quiz, student=classmate, value=Decimal("18.50"))
        gradebook = teacher_client.get(reverse("grades:gradebook", args=[cast.course.pk])).text
        assert "9.5 / 18.5<" in gradebook and "9.50" not in gradebook
        assert "/20 ×1<" in gradebook
        grid = teacher_client.get(reverse("grades:score_entry", args=[quiz.pk])).text
        assert ">9.5 / 18.5<" in grid and "Score (of 20)" in grid and "out of 20, weight 1" in grid

    def test_the_current_term_is_the_default_filter(self, teacher_client, cast, quiz):
        term = TermFactory()
        in_term = AssessmentFactory(course=cast.course, term=term, title="In the term")
        response = teacher_client.get(reverse("grades:gradebook", args=[cast.course.pk]))
        assert response.context["book"].assessments == [in_term]
        response = teacher_client.get(reverse("grades:gradebook", args=[cast.course.pk]), {"term": "all"})
        assert response.context["book"].assessments == [quiz, in_term]

    def test_its_queries_stay_flat_as_the_class_grows(self, teacher_client, cast, quiz, django_assert_max_num_queries):
        url = reverse("grades:gradebook", args=[cast.course.pk])
        teacher_client.get(url)
        for _ in range(2):
            for _ in range(5):
                student = EnrollmentFactory(course=cast.course).student
                ScoreFactory(assessment=AssessmentFactory(course=cast.course), student=student)
            with django_assert_max_num_queries(11):
                assert teacher_client.get(url).status_code == 200


class TestGradingSettings:
    def test_a_scale_that_does_not_go_down_is_refused(self, teacher_client, cast):
        data = {"missing_counts_as_zero": "on", "a_from": 80, "b_from": 85, "c_from": 70, "d_from": 60}
        response = teacher_client.post(reverse("grades:grading_settings", args=[cast.course.pk]), data)
        assert "Each letter must start above the next" in response.text

    def test_a_teacher_leaves_missing_work_out(self, teacher_client, cast, quiz):
        ScoreFactory(assessment=quiz, student=cast.student, value=None, marker=Marker.MISSING)
        ScoreFactory(assessment=AssessmentFactory(course=cast.course), student=cast.student, value=20)
        data = {"a_from": 90, "b_from": 80, "c_from": 70, "d_from": 60}
        teacher_client.post(reverse("grades:grading_settings", args=[cast.course.pk]), data)
        response = teacher_client.get(reverse("grades:gradebook", args=[cast.course.pk]))
        assert response.context["book"].rows[0].average == 100


class TestReleasedPages:
    def test_a_student_sees_released_scores_beside_the_class_mean(self, client, cast, quiz):
        hidden = AssessmentFactory(course=cast.course, title="Not out yet")
        quiz.release = Release.NOW
        quiz.save()
        ScoreFactory(assessment=quiz, student=cast.student, value=10)
        ScoreFactory(assessment=quiz, student=EnrollmentFactory(course=cast.course).student, value=20)
        ScoreFactory(assessment=hidden, student=cast.student, value=1)
        client.force_login(cast.student)
        response = client.get(reverse("grades:my_grades"))
        assert "Fractions" in response.text and "Not out yet" not in response.text
        [grades] = response.context["courses"]
        assert (grades.lines[0].percent, grades.lines[0].class_mean) == (50, 75)

    def test_a_parent_sees_their_childs_page_and_a_list_of_children(self, client, cast, quiz):
        ScoreFactory(assessment=quiz, student=cast.student, value=10)
        quiz.release = Release.NOW
        quiz.save()
        client.force_login(cast.parent)
        assert reverse("grades:child_grades", args=[cast.student.pk]) in client.get(reverse("grades:my_grades")).text
        response = client.get(reverse("grades:child_grades", args=[cast.student.pk]))
        assert "Fractions" in response.text and "ws-connect" in response.text
        assert f"grades-{cast.student.pk}" in response.context["request"].live_regions

    def test_a_reconnecting_page_gets_its_region_alone(self, client, cast):
        client.force_login(cast.student)
        response = client.get(reverse("grades:my_grades"), headers={"HX-Request": "true"})
        assert response.text.startswith(f'<div id="released-{cast.student.pk}"')
        assert "No score has been released yet." in response.text

    def test_a_parent_cannot_open_another_childs_page(self, client, cast):
        client.force_login(cast.parent)
        assert client.get(reverse("grades:child_grades", args=[StudentFactory().pk])).status_code == 404


def test_the_subjects_page_shows_the_teachers_subjects(teacher_client, cast, quiz):
    cast.course.subject = "Mathematics"
    cast.course.save()
    ScoreFactory(assessment=quiz, student=cast.student, value=15)
    response = teacher_client.get(reverse("grades:subjects"), {"term": "all"})
    assert response.context["trends"]["by_subject"][0]["subject"] == "Mathematics"
    assert "75.0 %" in response.text


class TestQueriesStayFlat:
    def grow(self, cast, quiz, count):
        for _ in range(count):
            student = EnrollmentFactory(course=cast.course).student
            ScoreFactory(assessment=quiz, student=student)
            released = AssessmentFactory(course=cast.course, release=Release.NOW)
            ScoreFactory(assessment=released, student=cast.student)
            ScoreFactory(assessment=released, student=student)

    def test_the_score_grid(self, teacher_client, cast, quiz, django_assert_max_num_queries):
        url = reverse("grades:score_entry", args=[quiz.pk])
        for size in (2, 8):
            self.grow(cast, quiz, size)
            with django_assert_max_num_queries(6):
                assert teacher_client.get(url).status_code == 200

    def test_a_students_grades(self, client, cast, quiz, django_assert_max_num_queries):
        client.force_login(cast.student)
        for size in (2, 8):
            self.grow(cast, quiz, size)
            with django_assert_max_num_queries(7):
                assert client.get(reverse("grades:my_grades"), {"term": "all"}).status_code == 200


class TestAssessmentDelete:
    def test_an_assessment_without_scores_is_deleted(self, teacher_client, cast, quiz):
        response = teacher_client.post(reverse("grades:assessment_delete", args=[quiz.pk]))
        assert response.url == reverse("grades:gradebook", args=[cast.course.pk])
        assert not Assessment.objects.exists()

    def test_one_with_scores_is_kept_and_the_page_says_why(self, teacher_client, cast, quiz):
        ScoreFactory(assessment=quiz, student=cast.student)
        response = teacher_client.post(reverse("grades:assessment_delete", args=[quiz.pk]), follow=True)
        assert "Fractions has scores, so it cannot be deleted" in response.text
        assert Assessment.objects.filter(pk=quiz.pk).exists()

    def test_another_teacher_gets_a_404(self, client, cast, quiz):
        client.force_login(cast.other_teacher)
        assert client.post(reverse("grades:assessment_delete", args=[quiz.pk])).status_code == 404
        assert Assessment.objects.filter(pk=quiz.pk).exists()


def test_a_students_course_page_and_menu_lead_to_their_grades(client, cast):
    client.force_login(cast.student)
    response = client.get(reverse("courses:course_detail", args=[cast.course.pk]))
    assert response.text.count(f'href="{reverse("grades:my_grades")}"') == 2


def test_a_grid_opened_before_a_colleagues_change_does_not_undo_it(teacher_client, cast, quiz):
    classmate = EnrollmentFactory(course=cast.course).student
    ScoreFactory(assessment=quiz, student=cast.student, value=10)
    page = teacher_client.get(reverse("grades:score_entry", args=[quiz.pk]))
    assert f'name="was-{cast.student.pk}" value="10"' in page.text
    Score.objects.filter(student=cast.student).update(value=14)  # a colleague, meanwhile
    data = {f"score-{cast.student.pk}": "10", f"was-{cast.student.pk}": "10", f"score-{classmate.pk}": "12"}
    teacher_client.post(reverse("grades:score_entry", args=[quiz.pk]), data | {f"was-{classmate.pk}": ""})
    assert dict(Score.objects.values_list("student", "value")) == {cast.student.pk: 14, classmate.pk: 12}


@pytest.mark.parametrize(
    "name", ["score_entry", "assessment_edit", "assessment_delete", "score_upload", "grading_settings", "new"]
)
def test_every_grades_page_of_a_course_starts_its_breadcrumbs_at_the_courses_as_the_gradebook_does(
    teacher_client, cast, quiz, name
):
    if name == "new":
        url = reverse("grades:assessment_create", args=[cast.course.pk])
    elif name == "grading_settings":
        url = reverse("grades:grading_settings", args=[cast.course.pk])
    else:
        url = reverse(f"grades:{name}", args=[quiz.pk])
    crumbs = teacher_client.get(url).text.split('class="breadcrumb"')[1].split("</ol>")[0]
    links = [reverse("courses:course_list"), reverse("courses:course_detail", args=[cast.course.pk])]
    links.append(reverse("grades:gradebook", args=[cast.course.pk]))
    assert [crumbs.index(f'href="{link}"') for link in links] == sorted(
        crumbs.index(f'href="{link}"') for link in links
    )
