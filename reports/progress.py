"""The progress dashboards of the institution (administrators) and of a teacher's courses, and the alert lists the
weekly alerts send: attendance from reports' rate, scores from grades, behaviour from behaviour's pattern rule, all
read through their selectors, in a fixed number of queries however many students, courses and records.

- a student's average is the mean of their course averages (each as the gradebook counts it);
- high performers average at least the institution's high_performer_min_average with an attendance rate of at
  least its high_performer_min_attendance over their courses;
- low attendance: below a course's at-risk threshold (reports' rule), listed per course;
- low performance: an average below the institution's low_performance_below;
- behavioural concern: at least the institution's escalation_count of negative records in the escalation window
  (behaviour's pattern rule), with the escalation level reached.
"""

import statistics
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.selectors import institution_of
from behaviour import selectors as behaviour_selectors
from courses import selectors as course_selectors
from grades import selectors as grade_selectors
from reports import selectors
from reports.models import AlertReason


@dataclass
class StudentProgress:
    student: object
    rows: list = field(default_factory=list)  # their enrolments, each with `tally` and `average`
    tally: selectors.Tally = field(default_factory=selectors.Tally)
    average: float | None = None

    @property
    def teachers(self):
        """The teachers of the student's courses in scope (prefetched)."""
        return {teacher for row in self.rows for teacher in row.course.teachers.all()}


@dataclass
class Alert:
    """A student on an alert list, why, and the figure behind it (a rate, an average, a number of records)."""

    student: object
    reason: AlertReason
    facts: dict  # what `alert_detail` says, as JSON values: a notification keeps them to say it in its reader's words
    figure: float | None
    progress: StudentProgress | None = None
    course: object = None
    tally: selectors.Tally | None = None  # the student's in `course`, for low attendance

    @property
    def detail(self):
        return alert_detail(self.reason, self.facts)


def alert_detail(reason, facts):
    """Why a student is on an alert list, in the active language's words and number formats."""
    if reason == AlertReason.LOW_ATTENDANCE:
        return _("%(course)s: %(rate)s %% (threshold %(threshold)d %%)") % {
            **facts,
            "rate": formats.number_format(facts["rate"], 1),
        }
    if reason == AlertReason.LOW_PERFORMANCE:
        return _("average %(average)s %% (below %(limit)s %%)") % {
            "average": formats.number_format(facts["average"], 1),
            "limit": formats.number_format(facts["limit"]),
        }
    detail = (
        ngettext(
            "%(count)d negative record in %(days)d days",
            "%(count)d negative records in %(days)d days",
            facts["count"],
        )
        % facts
    )
    if facts["level"]:
        detail += " · " + _("escalation level %(level)d") % facts
    return detail


def is_high_performer(progress, institution):
    return (
        progress.average is not None
        and progress.tally.rate is not None
        and progress.average >= institution.high_performer_min_average
        and progress.tally.rate >= institution.high_performer_min_attendance
    )


def is_low_performer(progress, institution):
    return progress.average is not None and progress.average < institution.low_performance_below


def _low_attendance(students):
    alerts = []
    for progress in students:
        for row in progress.rows:
            if selectors.is_at_risk(row.tally, row.course.risk_threshold):
                facts = {"course": row.course.code, "rate": row.tally.rate, "threshold": row.course.risk_threshold}
                alerts.append(
                    Alert(
                        progress.student,
                        AlertReason.LOW_ATTENDANCE,
                        facts,
                        row.tally.rate,
                        progress,
                        course=row.course,
                        tally=row.tally,
                    )
                )
    return sorted(alerts, key=lambda alert: alert.figure)


def _low_performance(students, institution):
    alerts = [
        Alert(
            progress.student,
            AlertReason.LOW_PERFORMANCE,
            {"average": float(progress.average), "limit": float(institution.low_performance_below)},
            progress.average,
            progress,
        )
        for progress in students
        if is_low_performer(progress, institution)
    ]
    return sorted(alerts, key=lambda alert: alert.figure)


def _behaviour(records, by_student, today, institution):
    first = behaviour_selectors.escalation_window_start(institution, today)
    patterns, _categories = behaviour_selectors.negative_patterns(
        records, institution=institution, first=first, last=today, at_least=institution.escalation_count
    )
    alerts = []
    for pattern in patterns:
        progress = by_student.get(pattern.student_id)
        if progress is None:
            continue
        facts = {"count": pattern.total, "days": institution.escalation_days, "level": pattern.level}
        alerts.append(Alert(progress.student, AlertReason.BEHAVIOUR, facts, pattern.total, progress))
    return alerts


def progress_overview(courses, records, *, institution, now=None):
    """The figures and alert lists of the active students of `courses` (active ones, of `institution`), with the
    behaviour `records` in scope: students, average score, attendance rate, high performers, per-subject
    performance and the three alert lists, by the institution's thresholds."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    courses = courses.filter(archived=False)
    enrollments = (
        course_selectors.enrollments_in_active_courses(institution)
        .filter(course__in=courses)
        .prefetch_related("course__teachers")
    )
    averages = grade_selectors.course_averages(courses)
    by_student = {}
    for row in selectors.enrollment_rates(enrollments, now=now):
        row.average = averages.get((row.course_id, row.student_id))
        progress = by_student.setdefault(row.student_id, StudentProgress(row.student))
        progress.rows.append(row)
        progress.tally += row.tally
    for progress in by_student.values():
        marks = [row.average for row in progress.rows if row.average is not None]
        progress.average = statistics.fmean(marks) if marks else None
    students = sorted(by_student.values(), key=lambda p: (p.student.last_name, p.student.first_name, p.student.pk))
    averages_of_students = [p.average for p in students if p.average is not None]
    return {
        "students": students,
        "student_count": len(students),
        "average": statistics.fmean(averages_of_students) if averages_of_students else None,
        "tally": sum((p.tally for p in students), selectors.Tally()),
        "high_performers": [p for p in students if is_high_performer(p, institution)],
        "subjects": grade_selectors.subject_trends(courses)["by_subject"],
        "alerts": {
            AlertReason.LOW_ATTENDANCE: _low_attendance(students),
            AlertReason.LOW_PERFORMANCE: _low_performance(students, institution),
            AlertReason.BEHAVIOUR: _behaviour(records, by_student, today, institution),
        },
    }


def overview_for(user, *, now=None):
    """The progress overview a user may see: an administrator their institution's, a teacher their courses'."""
    institution = institution_of(user)
    if user.is_admin:
        records = behaviour_selectors.institution_records(institution)
        return progress_overview(
            course_selectors.active_courses(institution), records, institution=institution, now=now
        )
    return progress_overview(
        course_selectors.courses_managed_by(user),
        behaviour_selectors.records_visible_to(user),
        institution=institution,
        now=now,
    )
