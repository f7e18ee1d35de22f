"""Assessments and scores change only through the services: cells are parsed with one rule, every change of a
score is recorded, imports are all or nothing, and releasing tells students and parents once."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.tests.factories import ParentFactory, StudentFactory
from attendance_system.csvimport import ImportRejected
from attendance_system.errors import DomainError
from courses.tests.factories import CourseFactory, EnrollmentFactory, TermFactory
from grades import services
from grades.models import Assessment, AssessmentType, Marker, Release, Score, ScoreChange
from grades.tests.factories import AssessmentFactory, ScoreFactory
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db
TWENTY = Decimal(20)


class TestParseScore:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("17.5", (Decimal("17.5"), Marker.NONE)),
            (" 12,25 ", (Decimal("12.25"), Marker.NONE)),
            ("0", (Decimal(0), Marker.NONE)),
            ("20", (Decimal(20), Marker.NONE)),
            ("ex", (None, Marker.EXCUSED)),
            ("EX", (None, Marker.EXCUSED)),
            ("m", (None, Marker.MISSING)),
            ("Missing", (None, Marker.MISSING)),
            ("", (None, Marker.NONE)),
        ],
    )
    def test_it_reads_numbers_and_markers(self, text, expected):
        assert services.parse_score(text, max_score=TWENTY) == expected

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("21", "Above the maximum of 20."),
            ("-1", "A score cannot be negative."),
            ("abc", "“abc” is not a score: type a number, EX (excused) or M (missing)."),
            ("NaN", "is not a score"),
            ("1e400", "Above the maximum"),
            ("12.345", "Two decimals at most."),
        ],
    )
    def test_it_says_what_is_wrong(self, text, message):
        with pytest.raises(DomainError, match=re.escape(message)):
            services.parse_score(text, max_score=TWENTY)


@pytest.fixture
def course():
    return CourseFactory()


@pytest.fixture
def students(course):
    return [EnrollmentFactory(course=course, student=StudentFactory(student_number=f"S{i}")).student for i in range(3)]


class TestAssessmentCreate:
    def fields(self, **changes):
        return {
            "title": "Fractions",
            "type": AssessmentType.QUIZ,
            "date": date(2026, 11, 2),
            "max_score": TWENTY,
            "weight": Decimal(1),
            "release": Release.NEVER,
        } | changes

    def test_it_takes_the_courses_term_or_the_current_one(self, course):
        current = TermFactory()
        assert services.assessment_create(course=course, **self.fields()).term == current
        course.term = TermFactory(year=current.year, starts_on=current.ends_on + timedelta(days=1))
        assessment = services.assessment_create(course=course, **self.fields())
        assert assessment.term == course.term
        assert services.assessment_update(assessment=assessment, term=None).term == course.term

    def test_a_release_from_a_date_needs_the_date(self, course):
        with pytest.raises(DomainError, match="Give the date"):
            services.assessment_create(course=course, **self.fields(release=Release.ON_DATE))
        assert not Assessment.objects.exists()

    def test_a_maximum_below_a_score_already_entered_is_refused(self, course, students):
        assessment = AssessmentFactory(course=course)
        ScoreFactory(assessment=assessment, student=students[0], value=18)
        with pytest.raises(DomainError, match="already has 18: the maximum cannot be below it"):
            services.assessment_update(assessment=assessment, max_score=Decimal(10))
        assessment.refresh_from_db()
        assert assessment.max_score == TWENTY


class TestScoresSave:
    def test_every_change_is_recorded_with_who_from_and_to(self, course, students, cast):
        assessment = AssessmentFactory(course=course)
        first = {students[0]: (Decimal(12), Marker.NONE), students[1]: (None, Marker.EXCUSED), students[2]: (None, "")}
        assert services.scores_save(assessment=assessment, by=cast.teacher, entries=first) == 2
        second = {students[0]: (Decimal(14), Marker.NONE), students[1]: (None, Marker.EXCUSED)}
        assert services.scores_save(assessment=assessment, by=cast.teacher, entries=second) == 1
        changes = [(c.score.student, c.old_text, c.new_text, c.by) for c in ScoreChange.objects.order_by("pk")]
        assert changes == [
            (students[0], "", "12", cast.teacher),
            (students[1], "", "EX", cast.teacher),
            (students[0], "12", "14", cast.teacher),
        ]
        assert Score.objects.count() == 2

    def test_a_student_outside_the_course_is_refused_and_nothing_is_saved(self, course, students):
        assessment = AssessmentFactory(course=course)
        entries = {students[0]: (Decimal(1), ""), StudentFactory(): (Decimal(2), "")}
        with pytest.raises(DomainError, match="is not enrolled"):
            services.scores_save(assessment=assessment, by=None, entries=entries)
        assert not Score.objects.exists()

    def test_a_value_above_the_maximum_is_refused_here_too(self, course, students):
        assessment = AssessmentFactory(course=course)
        with pytest.raises(DomainError, match="not valid"):
            services.scores_save(assessment=assessment, by=None, entries={students[0]: (Decimal(21), "")})


class TestScoresImport:
    def test_good_lines_are_saved_with_a_header(self, course, students):
        assessment = AssessmentFactory(course=course)
        text = "student_number,score\nS0,17.5\nS1,ex\nS2,M\n"
        assert services.scores_import(assessment=assessment, by=None, text=text) == 3
        saved = dict(Score.objects.values_list("student__student_number", "marker"))
        assert saved == {"S0": "", "S1": Marker.EXCUSED, "S2": Marker.MISSING}

    def test_every_bad_line_is_reported_and_nothing_is_saved(self, course, students):
        assessment = AssessmentFactory(course=course)
        with pytest.raises(ImportRejected) as rejected:
            services.scores_import(assessment=assessment, by=None, text="S0,25\nS9,3\nS1,abc\nS2,4\nS2,5")
        assert [str(e) for e in rejected.value.errors] == [
            "Line 1: Above the maximum of 20.",
            "Line 2: No student of this course has the number “S9”.",
            "Line 3: “abc” is not a score: type a number, EX (excused) or M (missing).",
            f"Line 5: {students[2]} appears twice.",
        ]
        assert not Score.objects.exists()

    def test_an_empty_upload_says_so(self, course):
        with pytest.raises(ImportRejected, match="no line"):
            services.scores_import(assessment=AssessmentFactory(course=course), by=None, text="student_number,score\n")


class TestRelease:
    def test_releasing_tells_students_and_parents_once(self, course, students):
        parent = ParentFactory(children=[students[0]])
        assessment = AssessmentFactory(course=course, title="Fractions")
        services.assessment_release(assessment=assessment)
        services.assessment_update(assessment=assessment, title="Fractions (final)")
        told = Notification.objects.filter(kind=Kind.SCORES_RELEASED)
        assert sorted(n.user_id for n in told) == sorted([*(s.pk for s in students), parent.pk])
        assert told.get(user=parent).url == f"/grades/children/{students[0].pk}/"
        assert told.get(user=students[0]).url == "/grades/"
        assert told.first().title == f"Scores released: Fractions ({course.code})"

    def test_withdrawn_then_released_again_tells_them_again(self, course, students):
        assessment = AssessmentFactory(course=course, release=Release.NOW)
        services.assessment_update(assessment=assessment, release=Release.NOW)
        services.assessment_update(assessment=assessment, release=Release.NEVER)
        services.assessment_release(assessment=assessment)
        assert Notification.objects.filter(user=students[0], kind=Kind.SCORES_RELEASED).count() == 2

    def test_a_release_date_is_told_when_it_comes_by_the_cron_command(self, course, students):
        today = timezone.localdate()
        due = AssessmentFactory(course=course, release=Release.ON_DATE, release_on=today)
        AssessmentFactory(course=course, release=Release.ON_DATE, release_on=today + timedelta(days=1))
        assert services.release_due() == [due]
        call_command("release_due_scores")
        assert Notification.objects.filter(user=students[0], kind=Kind.SCORES_RELEASED).count() == 1
        assert services.release_due(today=today + timedelta(days=1)) != []


class TestGradingSettings:
    def test_letters_must_go_down(self, course):
        with pytest.raises(DomainError, match="A above B above C above D"):
            services.grading_settings_save(course=course, a_from=80, b_from=80)

    def test_they_are_saved_once_per_course(self, course):
        services.grading_settings_save(course=course, missing_counts_as_zero=False)
        settings = services.grading_settings_save(course=course, a_from=95)
        assert (settings.missing_counts_as_zero, settings.a_from, settings.pk) == (
            False,
            95,
            course.grading_settings.pk,
        )
