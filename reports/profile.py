"""One student's profile as a viewer may see it: attendance, released scores, behaviour and participation, read
through the selectors of the apps that own them, in a fixed number of queries however much data there is.

A teacher sees the courses they teach only; a student and their parents see what the family sees of scores
(released ones) and behaviour (as the institution decides); an administrator sees every course."""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from attendance import selectors as attendance_selectors
from behaviour import selectors as behaviour_selectors
from courses import selectors as course_selectors
from grades import selectors as grade_selectors
from reports import selectors

# The timeline shows this many entries, newest first.
TIMELINE_LENGTH = 30


def students_with_profile_visible_to(user):
    """The students whose profile a user may open: themself, a parent's children, a teacher's students, all for
    an administrator."""
    return behaviour_selectors.students_visible_to(user)


@dataclass
class Entry:
    """One line of the timeline: its day, its kind ("attendance", "score", "behaviour", "event") and the thing."""

    day: date
    kind: str
    item: object


@dataclass
class SubjectAverage:
    subject: str
    average: float


def _held_sessions_of(student, rates, now):
    """[(session, status or None)] of the sessions held in the courses of `rates` since the student enrolled in
    each, newest first; two queries."""
    enrolled_on = {row.course_id: row.enrolled_on for row in rates}
    held = attendance_selectors.sessions_held(course_selectors.sessions_in(courses=list(enrolled_on)), now=now)
    sessions = [
        session
        for session in held.select_related("course").order_by("-starts_at")
        if timezone.localtime(session.starts_at).date() >= enrolled_on[session.course_id]
    ]
    statuses = attendance_selectors.statuses_of_student(student, held)
    return [(session, statuses.get(session.pk)) for session in sessions]


def subject_averages(course_grades):
    """The student's average per subject: the mean of their course averages in it, by subject."""
    by_subject = defaultdict(list)
    for grades in course_grades:
        if grades.average is not None:
            by_subject[grades.course.subject or grades.course.code].append(grades.average)
    return [SubjectAverage(subject, statistics.fmean(values)) for subject, values in sorted(by_subject.items())]


def student_profile(student, *, viewer, now=None):
    """Everything the profile page shows of `student` to `viewer` (who may open it)."""
    now = now or timezone.now()
    enrollments = course_selectors.enrollments_visible_to(viewer).filter(student=student, active=True)
    rates = sorted(selectors.enrollment_rates(enrollments, now=now), key=lambda row: row.course.code)
    for row in rates:
        row.at_risk = selectors.is_at_risk(row.tally, row.course.risk_threshold)
    shown = {row.course_id for row in rates}
    course_grades = [
        grades
        for grades in grade_selectors.released_grades(student, today=timezone.localdate(now))
        if grades.course.pk in shown
    ]
    by_course = {grades.course.pk: grades for grades in course_grades}
    for row in rates:
        row.grades = by_course.get(row.course_id)
    scores = sorted(
        ((grades.course, line) for grades in course_grades for line in grades.lines),
        key=lambda pair: (pair[1].assessment.date, pair[1].assessment.pk),
    )
    held = _held_sessions_of(student, rates, now)
    records = behaviour_selectors.records_visible_to(viewer).filter(student=student).order_by("-date", "-pk")
    participations = list(behaviour_selectors.participation_of(student, viewer=viewer))
    timeline = sorted(
        [
            *(Entry(timezone.localtime(s.starts_at).date(), "attendance", (s, status)) for s, status in held),
            *(Entry(line.assessment.date, "score", (course, line)) for course, line in scores),
            *(Entry(record.date, "behaviour", record) for record in records[:TIMELINE_LENGTH]),
            *(Entry(p.event.date, "event", p) for p in participations[:TIMELINE_LENGTH]),
        ],
        key=lambda entry: entry.day,
        reverse=True,
    )
    return {
        "rates": rates,
        "total": sum((row.tally for row in rates), selectors.Tally()),
        "course_grades": course_grades,
        "subjects": subject_averages(course_grades),
        "balance": behaviour_selectors.behaviour_balance(student, viewer=viewer),
        "participation": sorted(Counter(p.status_enum for p in participations).items()),
        "timeline": timeline[:TIMELINE_LENGTH],
        "chart_data": {
            "weekly": [
                [week.isoformat(), rate]
                for week, rate in selectors.weekly_rates((s, selectors.cell_tally(status)) for s, status in held)
            ],
            "scores": [
                {
                    "day": line.assessment.date.isoformat(),
                    "label": f"{line.assessment.date.isoformat()} {course.code} · {line.assessment.title}",
                    "score": round(line.percent, 1),
                    "mean": None if line.class_mean is None else round(line.class_mean, 1),
                }
                for course, line in scores
                if line.percent is not None
            ],
        },
    }
