"""The demo institution's school year, terms and gradebooks (`manage.py seed_demo`), written through the services.

Every course gets four released assessments. Most students score between 62 % and 84 %; students 7 and 12 (never
absent in the demo) score above 90 %, the demo's high performers; students 9, 25 and 41 score below 55 %, the
demo's low performers."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from courses import selectors as course_selectors
from courses import services as course_services
from courses.models import AcademicYear, Term
from grades import selectors, services
from grades.models import Assessment, AssessmentType, Release

HIGH_PERFORMERS = {7, 12}
LOW_PERFORMERS = {9, 25, 41}
# (days ago, title, type, maximum, weight)
ASSESSMENTS = [
    (33, "Quiz 1", AssessmentType.QUIZ, 20, 1),
    (24, "Homework project", AssessmentType.PROJECT, 20, 1),
    (15, "Midterm test", AssessmentType.TEST, 50, 2),
    (6, "Quiz 2", AssessmentType.QUIZ, 20, 1),
]


def school_year(institution, today=None):
    """The institution's school year today falls in (September to August) and its three terms, made once; the
    current term."""
    today = today or timezone.localdate()
    first = today.year if today.month >= 9 else today.year - 1
    name = f"{first}-{first + 1}"
    year = course_selectors.years_of(institution).filter(name=name).first() or course_services.academic_year_save(
        year=AcademicYear(
            institution=institution, name=name, starts_on=date(first, 9, 1), ends_on=date(first + 1, 8, 31)
        )
    )
    dates = [
        ("Term 1", date(first, 9, 1), date(first, 12, 31)),
        ("Term 2", date(first + 1, 1, 1), date(first + 1, 3, 31)),
        ("Term 3", date(first + 1, 4, 1), date(first + 1, 8, 31)),
    ]
    for name, starts_on, ends_on in dates:
        if not year.terms.filter(name=name).exists():
            course_services.term_save(term=Term(year=year, name=name, starts_on=starts_on, ends_on=ends_on))
    return course_selectors.current_term(institution, today=today)


def _percent(number, rng):
    if number in HIGH_PERFORMERS:
        return rng.uniform(90, 98)
    if number in LOW_PERFORMERS:
        return rng.uniform(38, 55)
    return rng.uniform(62, 84)


def seed(*, course, teacher, students):
    """The course's released assessments and every active student's scores, once; `students` by number."""
    if selectors.assessments_of(course).exists():
        return
    rng = random.Random(f"{course.code}-grades")  # noqa: S311 (repeatable demo data, not a secret)
    number_of = {student.pk: number for number, student in students.items()}
    roster = list(course_selectors.students_of(course).order_by("pk"))
    today = timezone.localdate()
    for days, title, kind, maximum, weight in ASSESSMENTS:
        assessment = services.assessment_create(
            course=course,
            title=title,
            type=kind,
            date=today - timedelta(days=days),
            max_score=Decimal(maximum),
            weight=Decimal(weight),
            release=Release.NOW,
        )
        entries = {
            student: (Decimal(round(_percent(number_of[student.pk], rng) * maximum / 50)) / 2, "") for student in roster
        }
        services.scores_save(assessment=assessment, by=teacher, entries=entries)


def delete(*, courses):
    """The demo courses' assessments (and so their scores), which keep a course from being deleted."""
    Assessment.objects.filter(course__in=courses).delete()
