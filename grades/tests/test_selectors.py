"""The figures: weighted averages and letters, an assessment's statistics, the gradebook, a student's released
grades beside the class mean, trends by type, month and subject; query counts flat as data grows."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import StudentFactory
from courses.tests.factories import CourseFactory, EnrollmentFactory, TermFactory
from grades import selectors
from grades.models import AssessmentType, GradingSettings, Marker, Release
from grades.selectors import Cell
from grades.tests.factories import AssessmentFactory, ScoreFactory

pytestmark = pytest.mark.django_db


class A:
    """An assessment as the average needs it."""

    def __init__(self, max_score, weight=1):
        self.max_score, self.weight = Decimal(max_score), Decimal(weight)


def cell(value=None, marker=Marker.NONE):
    return Cell(None if value is None else Decimal(value), marker)


class TestWeightedAverage:
    def test_each_score_counts_as_a_percentage_by_its_weight(self):
        entries = [(A(20, 1), cell(10)), (A(50, 3), cell(50))]  # 50 % once, 100 % three times
        assert selectors.weighted_average(entries, missing_counts_as_zero=True) == 87.5

    def test_excused_and_empty_cells_are_left_out(self):
        entries = [(A(20), cell(15)), (A(20), cell(marker=Marker.EXCUSED)), (A(20), cell())]
        assert selectors.weighted_average(entries, missing_counts_as_zero=True) == 75

    def test_missing_work_counts_as_zero_or_is_left_out_as_the_course_says(self):
        entries = [(A(20), cell(20)), (A(20), cell(marker=Marker.MISSING))]
        assert selectors.weighted_average(entries, missing_counts_as_zero=True) == 50
        assert selectors.weighted_average(entries, missing_counts_as_zero=False) == 100

    def test_nothing_to_count_gives_no_average(self):
        assert selectors.weighted_average([(A(20), cell())], missing_counts_as_zero=True) is None
        assert selectors.weighted_average([(A(20, 0), cell(5))], missing_counts_as_zero=True) is None


class TestLetters:
    def test_the_default_scale_is_a_90_b_80_c_70_d_60(self):
        rules = GradingSettings()
        assert [rules.letter(p) for p in (95, 90, 89.9, 80, 70, 60, 59.9, None)] == [
            "A",
            "A",
            "B",
            "B",
            "C",
            "D",
            "F",
            "",
        ]

    def test_the_letter_is_that_of_the_average_as_shown(self):
        average = selectors.weighted_average(
            [(A(100, "0.1"), cell(94)), (A(100, "0.2"), cell(88))], missing_counts_as_zero=True
        )
        assert f"{average:.1f}" == "90.0"
        assert GradingSettings().letter(average) == "A"

    def test_a_course_sets_its_own_scale(self):
        rules = GradingSettings(a_from=85, b_from=75, c_from=65, d_from=50)
        assert [rules.letter(p) for p in (86, 80, 50, 49)] == ["A", "B", "D", "F"]


def test_an_assessments_figures_leave_markers_out():
    assessment = A(20)
    cells = [cell(10), cell(20), cell(16), cell(2), cell(marker=Marker.EXCUSED), cell()]
    stats = selectors.assessment_stats(assessment, cells)
    assert (stats.count, stats.mean, stats.median, stats.minimum, stats.maximum) == (4, 12, 13, 2, 20)
    assert round(stats.stdev, 3) == 6.782
    assert [n for _, n, _ in stats.histogram] == [0, 1, 0, 0, 0, 1, 0, 0, 1, 1]
    assert stats.histogram[9][0] == "90–100%"


def test_an_assessment_without_scores_has_a_count_and_an_empty_histogram():
    stats = selectors.assessment_stats(A(20), [cell()])
    assert stats.count == 0 and stats.mean is None and sum(n for _, n, _ in stats.histogram) == 0


def make_course(students=3, assessments=2, **assessment_fields):
    course = CourseFactory(subject="Mathematics")
    people = [EnrollmentFactory(course=course).student for _ in range(students)]
    tests = [AssessmentFactory(course=course, **assessment_fields) for _ in range(assessments)]
    for index, person in enumerate(people):
        for test in tests:
            ScoreFactory(assessment=test, student=person, value=Decimal(10 + index))
    return course, people, tests


class TestGradebook:
    def test_it_lists_students_against_assessments_with_averages_letters_and_figures(self):
        course, people, tests = make_course(students=2, assessments=2)
        book = selectors.gradebook(course)
        assert book.assessments == tests
        averages = {row.student: (row.average, row.letter) for row in book.rows}
        assert averages == {people[0]: (50, "F"), people[1]: (55, "F")}
        assert book.stats[0].mean == 10.5 and book.class_average == 52.5

    def test_a_term_keeps_its_assessments_only(self):
        term = TermFactory()
        course, _, tests = make_course(students=1, assessments=2)
        tests[0].term = term
        tests[0].save()
        assert selectors.gradebook(course, term=term).assessments == [tests[0]]

    def test_a_student_who_left_the_course_is_not_listed(self):
        course, people, _ = make_course(students=2, assessments=1)
        course.enrollments.filter(student=people[0]).update(active=False)
        assert [row.student for row in selectors.gradebook(course).rows] == [people[1]]

    def test_its_queries_stay_flat_as_students_and_assessments_grow(self, django_assert_max_num_queries):
        small, _, _ = make_course(students=2, assessments=2)
        large, _, _ = make_course(students=12, assessments=6)
        for course in (small, large):
            with django_assert_max_num_queries(4):
                selectors.gradebook(course)


class TestReleasedGrades:
    def test_a_student_sees_released_scores_only_with_the_class_mean(self):
        _, people, (shown, _hidden) = make_course(students=3, assessments=2)
        shown.release = Release.NOW
        shown.save()
        [grades] = selectors.released_grades(people[0])
        assert [line.assessment for line in grades.lines] == [shown]
        line = grades.lines[0]
        assert (line.percent, line.class_mean) == (50, 55)
        assert (grades.average, grades.letter, grades.class_average) == (50, "F", 55)

    def test_a_release_date_shows_the_scores_from_that_day(self):
        _, people, (test, _) = make_course(students=1, assessments=2)
        test.release, test.release_on = Release.ON_DATE, date(2026, 12, 1)
        test.save()
        assert selectors.released_grades(people[0], today=date(2026, 11, 30)) == []
        assert len(selectors.released_grades(people[0], today=date(2026, 12, 1))[0].lines) == 1

    def test_its_queries_stay_flat(self, django_assert_max_num_queries):
        for students, assessments in ((2, 1), (10, 5)):
            _, people, _ = make_course(students=students, assessments=assessments, release=Release.NOW)
            with django_assert_max_num_queries(4):
                selectors.released_grades(people[0])


class TestTrends:
    def test_a_course_has_means_by_type_and_by_month(self):
        course = CourseFactory()
        student = EnrollmentFactory(course=course).student
        today = timezone.localdate()
        quiz = AssessmentFactory(course=course, type=AssessmentType.QUIZ, date=today)
        exam = AssessmentFactory(course=course, type=AssessmentType.EXAM, max_score=50, date=today - timedelta(days=40))
        ScoreFactory(assessment=quiz, student=student, value=15)
        ScoreFactory(assessment=exam, student=student, value=20)
        ScoreFactory(assessment=exam, student=StudentFactory(), value=None, marker=Marker.EXCUSED)
        trends = selectors.course_trends(course)
        assert {(row["type"], round(row["mean"], 1)) for row in trends["by_type"]} == {
            (AssessmentType.QUIZ, 75.0),
            (AssessmentType.EXAM, 40.0),
        }
        assert [row["count"] for row in trends["by_month"]] == [1, 1]

    def test_subjects_group_courses(self):
        maths, _, _ = make_course(students=1, assessments=1)
        physics = CourseFactory(subject="Physics")
        ScoreFactory(assessment=AssessmentFactory(course=physics), value=20)
        trends = selectors.subject_trends([maths, physics])
        assert [(row["subject"], row["mean"]) for row in trends["by_subject"]] == [
            ("Mathematics", 50.0),
            ("Physics", 100.0),
        ]
