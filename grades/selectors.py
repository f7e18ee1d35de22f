"""Which assessments and scores a user may see, and every figure made from scores: averages, letters,
statistics, trends. Grades are computed here and nowhere else."""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Avg, BooleanField, Count, ExpressionWrapper, F, FloatField
from django.db.models.functions import Cast, TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from courses import selectors as course_selectors
from grades.models import (
    Assessment,
    AssessmentType,
    GradingSettings,
    Marker,
    Score,
    ScoreChange,
    released_q,
    score_text,
)

HISTOGRAM_BUCKETS = 10


@dataclass(frozen=True)
class Cell:
    """One score as the figures need it."""

    value: object  # Decimal or None
    marker: str

    @property
    def marker_enum(self):
        return Marker(self.marker)

    @property
    def text(self):
        return score_text(self.value, self.marker)


EMPTY = Cell(None, Marker.NONE)


def percent(value, max_score):
    return float(value) * 100 / float(max_score)


def weighted_average(entries, *, missing_counts_as_zero):
    """The course average in percent of `entries`, (assessment, Cell) pairs: each score as a percentage of its
    maximum, weighted by its assessment's weight. Excused work and empty cells are left out; missing work
    counts as zero or is left out, as the course says. None when nothing counts."""
    total = weights = 0.0
    for assessment, cell in entries:
        if cell.marker == Marker.MISSING:
            if not missing_counts_as_zero:
                continue
            share = 0.0
        elif cell.marker == Marker.EXCUSED or cell.value is None:
            continue
        else:
            share = percent(cell.value, assessment.max_score)
        weight = float(assessment.weight)
        total += weight * share
        weights += weight
    return total / weights if weights else None


@dataclass
class Stats:
    """Figures of one assessment's numeric scores (points, not percent); the histogram is by tenths of the
    maximum, as (label, count, height in percent of the tallest bar)."""

    count: int
    mean: float | None = None
    median: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    stdev: float | None = None
    histogram: list = field(default_factory=list)


def assessment_stats(assessment, cells):
    values = [float(cell.value) for cell in cells if cell.value is not None]
    buckets = [0] * HISTOGRAM_BUCKETS
    for value in values:
        buckets[min(int(value * HISTOGRAM_BUCKETS / float(assessment.max_score)), HISTOGRAM_BUCKETS - 1)] += 1
    tallest = max(buckets) or 1
    step = 100 // HISTOGRAM_BUCKETS
    histogram = [(f"{i * step}–{(i + 1) * step}%", n, round(n * 100 / tallest)) for i, n in enumerate(buckets)]
    if not values:
        return Stats(count=0, histogram=histogram)
    return Stats(
        count=len(values),
        mean=statistics.fmean(values),
        median=statistics.median(values),
        minimum=min(values),
        maximum=max(values),
        stdev=statistics.pstdev(values),
        histogram=histogram,
    )


def assessments_managed_by(user):
    return Assessment.objects.filter(course__in=course_selectors.courses_managed_by(user))


def managed_assessment_or_404(user, pk):
    """The assessment `pk` if the user may grade it, with whether it is released today (`released`); otherwise
    404, as if it did not exist."""
    assessments = assessments_managed_by(user).select_related("course", "term__year")
    released = ExpressionWrapper(released_q(timezone.localdate()), output_field=BooleanField())
    return get_object_or_404(assessments.annotate(released=released), pk=pk)


def is_released(assessment, *, today=None):
    """Whether students and parents may see the scores of `assessment` (as saved) on `today`."""
    return Assessment.objects.filter(released_q(today or timezone.localdate()), pk=assessment.pk).exists()


def managed_course_or_404(user, pk):
    return get_object_or_404(course_selectors.courses_managed_by(user).select_related("term__year"), pk=pk)


def grading_settings_of(course):
    """The course's settings, or the defaults (unsaved) when it has none."""
    return GradingSettings.objects.filter(course=course).first() or GradingSettings(course=course)


def assessments_of(course, *, term=None):
    assessments = Assessment.objects.filter(course=course).select_related("term")
    return assessments.filter(term=term) if term else assessments


def _cells(assessments, students=None):
    """{(assessment id, student id): Cell} of the given assessments (and students), in one query."""
    scores = Score.objects.filter(assessment__in=[a.pk for a in assessments])
    if students is not None:
        scores = scores.filter(student__in=[s.pk for s in students])
    return {(a, s): Cell(v, m) for a, s, v, m in scores.values_list("assessment_id", "student_id", "value", "marker")}


@dataclass
class Row:
    student: object
    cells: list
    average: float | None
    letter: str


@dataclass
class Gradebook:
    assessments: list
    rows: list
    stats: list
    settings: GradingSettings
    class_average: float | None


def _mean(values):
    values = [v for v in values if v is not None]
    return statistics.fmean(values) if values else None


def gradebook(course, *, term=None):
    """The course's students (active enrolments) against its assessments (of `term`), with each student's
    average and letter and each assessment's figures: four queries however many students and assessments."""
    assessments = list(assessments_of(course, term=term))
    students = list(course_selectors.students_of(course).order_by("last_name", "first_name", "pk"))
    cells = _cells(assessments)
    settings = grading_settings_of(course)
    rows = []
    for student in students:
        row = [cells.get((a.pk, student.pk), EMPTY) for a in assessments]
        average = weighted_average(
            zip(assessments, row, strict=True), missing_counts_as_zero=settings.missing_counts_as_zero
        )
        rows.append(Row(student, row, average, settings.letter(average)))
    stats = [assessment_stats(a, [row.cells[i] for row in rows]) for i, a in enumerate(assessments)]
    return Gradebook(assessments, rows, stats, settings, _mean(row.average for row in rows))


def course_averages(courses):
    """{(course id, student id): average} over every assessment of `courses` (released or not), as the gradebook
    counts it, for each student with a score that counts; three queries however many courses and students."""
    assessments = list(Assessment.objects.filter(course__in=courses))
    cells = _cells(assessments)
    settings = {s.course_id: s for s in GradingSettings.objects.filter(course__in=courses)}
    by_course, scored = defaultdict(list), defaultdict(set)
    for assessment in assessments:
        by_course[assessment.course_id].append(assessment)
    course_of = {assessment.pk: assessment.course_id for assessment in assessments}
    for assessment_id, student_id in cells:
        scored[course_of[assessment_id]].add(student_id)
    averages = {}
    for course_id, mine in by_course.items():
        rules = settings.get(course_id) or GradingSettings(course_id=course_id)
        for student_id in scored[course_id]:
            average = weighted_average(
                ((a, cells.get((a.pk, student_id), EMPTY)) for a in mine),
                missing_counts_as_zero=rules.missing_counts_as_zero,
            )
            if average is not None:
                averages[course_id, student_id] = average
    return averages


def score_cells(assessment, students):
    """{student id: Cell} of one assessment."""
    return {s: cell for (_, s), cell in _cells([assessment], students).items()}


def score_history(assessment):
    return (
        ScoreChange.objects.filter(score__assessment=assessment)
        .select_related("by", "score__student")
        .order_by("-at", "-pk")
    )


@dataclass
class Line:
    """One released assessment on a student's page: their cell and the class mean (percent)."""

    assessment: Assessment
    cell: Cell
    percent: float | None
    class_mean: float | None


@dataclass
class CourseGrades:
    course: object
    lines: list
    average: float | None
    letter: str
    class_average: float | None


def released_grades(student, *, term=None, today=None):
    """A student's released scores, course by course, each beside the class mean, with their average and
    letter and the class's average over the same released assessments. A fixed number of queries."""
    today = today or timezone.localdate()
    courses = list(course_selectors.courses_visible_to(student).filter(archived=False).order_by("code"))
    assessments = Assessment.objects.filter(released_q(today), course__in=courses)
    if term:
        assessments = assessments.filter(term=term)
    assessments = list(assessments.order_by("date", "pk"))
    by_assessment = defaultdict(dict)
    for (assessment_id, student_id), cell in _cells(assessments).items():
        by_assessment[assessment_id][student_id] = cell
    settings = {s.course_id: s for s in GradingSettings.objects.filter(course__in=courses)}
    by_course = defaultdict(list)
    for assessment in assessments:
        by_course[assessment.course_id].append(assessment)
    result = []
    for course in courses:
        mine = by_course.get(course.pk)
        if not mine:
            continue
        rules = settings.get(course.pk) or GradingSettings(course=course)
        students = set().union(*(by_assessment[a.pk] for a in mine)) | {student.pk}
        averages = {
            s: weighted_average(
                ((a, by_assessment[a.pk].get(s, EMPTY)) for a in mine),
                missing_counts_as_zero=rules.missing_counts_as_zero,
            )
            for s in students
        }
        lines = []
        for assessment in mine:
            cell = by_assessment[assessment.pk].get(student.pk, EMPTY)
            mean = _mean(
                percent(c.value, assessment.max_score)
                for c in by_assessment[assessment.pk].values()
                if c.value is not None
            )
            mine_percent = percent(cell.value, assessment.max_score) if cell.value is not None else None
            lines.append(Line(assessment, cell, mine_percent, mean))
        average = averages[student.pk]
        result.append(CourseGrades(course, lines, average, rules.letter(average), _mean(averages.values())))
    return result


PERCENT = Cast("value", FloatField()) * 100.0 / Cast("assessment__max_score", FloatField())


def _means_by(scores, *fields):
    """Mean percentage and count of the numeric `scores`, grouped by `fields`; a row grouped by type carries
    the type as its enum (`type`)."""
    rows = list(
        scores.filter(value__isnull=False)
        .values(*fields)
        .annotate(mean=Avg(PERCENT), count=Count("pk"))
        .order_by(*fields)
    )
    for row in rows:
        if "assessment__type" in row:
            row["type"] = AssessmentType(row["assessment__type"])
    return rows


def _scores_of(courses, term):
    scores = Score.objects.filter(assessment__course__in=courses)
    return scores.filter(assessment__term=term) if term else scores


def course_trends(course, *, term=None):
    """The mean score (percent of the maximum) of a course's assessments by type and by month."""
    scores = _scores_of([course], term)
    return {
        "by_type": _means_by(scores, "assessment__type"),
        "by_month": _means_by(scores.annotate(month=TruncMonth("assessment__date")), "month"),
    }


def subject_trends(courses, *, term=None):
    """The mean score by subject, by subject and type, and by subject and month, over `courses`."""
    scores = _scores_of(courses, term).annotate(subject=F("assessment__course__subject"))
    return {
        "by_subject": _means_by(scores, "subject"),
        "by_type": _means_by(scores, "subject", "assessment__type"),
        "by_month": _means_by(scores.annotate(month=TruncMonth("assessment__date")), "subject", "month"),
    }


def released_due(*, today: date):
    """Released assessments whose students and parents have not been told yet (a release date that came)."""
    return Assessment.objects.filter(released_q(today), notified_at__isnull=True).select_related("course")
