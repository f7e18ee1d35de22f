"""Attendance rates: one formula, used by every page, export, alert and chart.

    rate = (present + late) / (sessions held - excused)

`Tally` holds the counts and is the only place the ratio is computed. A session is held when it has ended,
was not cancelled and attendance was taken (`attendance.selectors.sessions_held`); a student counts only the
sessions held since they enrolled. Held sessions without a record, and pending check-ins, count as not
attended. No held session (or only excused ones) gives no rate, shown as "no sessions yet", never a division
by zero.

Counts come in two shapes, both ending in a Tally: per enrolment, counted by the database
(`enrollment_rates`), and per cell of a register (`register`), summed by session, by week or by course.
"""

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import timedelta

from django.utils import timezone

from attendance import selectors as attendance_selectors
from attendance.models import Status
from courses import selectors as course_selectors

NOT_ENROLLED = "not_enrolled"


@dataclass
class Tally:
    present: int = 0
    late: int = 0
    absent: int = 0
    excused: int = 0
    pending: int = 0

    def add(self, status):
        """Count one register cell: a status, or None (no record of a held session: absent)."""
        if status != NOT_ENROLLED:
            name = status or Status.ABSENT
            setattr(self, name, getattr(self, name) + 1)

    def __add__(self, other):
        return Tally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def held(self):
        return self.present + self.late + self.absent + self.excused + self.pending

    @property
    def attended(self):
        return self.present + self.late

    @property
    def counted(self):
        return self.held - self.excused

    @property
    def rate(self):
        """A percentage, or None when no session counts."""
        return 100.0 * self.attended / self.counted if self.counted > 0 else None


def is_at_risk(tally, threshold):
    return tally.rate is not None and tally.rate < threshold


def enrollment_rates(enrollments, *, now=None, first=None, last=None):
    """The enrollments, each with its `tally`, in two queries whatever the size.

    The statuses are counted by the database over each student's records of their course's held sessions
    since enrolment; the held sessions are read once and counted from each enrolment date, and what has no
    record is absent. `first` and `last` (dates) narrow it to the sessions between them.
    """
    sessions = attendance_selectors.sessions_held(course_selectors.sessions_in(first=first, last=last), now=now)
    rows = list(attendance_selectors.with_status_counts(enrollments, sessions))
    held_days = defaultdict(list)
    for course_id, day in course_selectors.session_days(sessions.filter(course__in={row.course_id for row in rows})):
        held_days[course_id].append(day)
    for days in held_days.values():
        days.sort()
    for row in rows:
        days = held_days[row.course_id]
        held = len(days) - bisect_left(days, row.enrolled_on)
        recorded = row.present + row.late + row.excused + row.pending
        row.tally = Tally(row.present, row.late, max(held - recorded, 0), row.excused, row.pending)
    return rows


def course_rates(course, *, query="", now=None, first=None, last=None):
    """Every active student of a course (or those matching `query`) with their tally, by name."""
    return enrollment_rates(course_selectors.roster(course, search=query), now=now, first=first, last=last)


def _grid(enrollments, sessions):
    """{student id: {session id: status, None or NOT_ENROLLED}}: each enrolled student's cell for each session
    of their course in `sessions`."""
    statuses = {
        (session_id, student_id): status
        for session_id, student_id, status in attendance_selectors.statuses_in(sessions)
    }
    days = defaultdict(list)
    for session in sessions:
        days[session.course_id].append((timezone.localtime(session.starts_at).date(), session.pk))
    cells = defaultdict(dict)
    for enrollment in enrollments:
        row = cells[enrollment.student_id]
        for day, session_id in days[enrollment.course_id]:
            row[session_id] = (
                NOT_ENROLLED if day < enrollment.enrolled_on else statuses.get((session_id, enrollment.student_id))
            )
    return cells


def register(course, *, now=None):
    """The grid of a course: held sessions (columns), students (rows) and each cell, in three queries.

    A cell is a status, None (no record: counts as absent) or NOT_ENROLLED (before the student joined).
    """
    sessions = list(attendance_selectors.held_sessions(course, now=now).order_by("starts_at"))
    enrollments = list(course_selectors.roster(course))
    students = []
    for enrollment in enrollments:
        enrollment.student.enrolled_on = enrollment.enrolled_on
        students.append(enrollment.student)
    return sessions, students, _grid(enrollments, sessions)


def session_summaries(sessions, students, statuses):
    """Per held session of a register: its tally and who was missing (absent, no record or pending)."""
    summaries = []
    for session in sessions:
        tally, missing = Tally(), []
        for student in students:
            status = statuses[student.pk].get(session.pk)
            tally.add(status)
            if status in {None, Status.ABSENT, Status.PENDING}:
                missing.append(student)
        summaries.append({"session": session, "tally": tally, "missing": missing})
    return summaries


def _monday(moment):
    day = timezone.localtime(moment).date()
    return day - timedelta(days=day.weekday())


def _weekly(sessions, cells):
    """[(Monday, rate)] over the weeks of `sessions`, from register cells."""
    weeks = defaultdict(Tally)
    for session in sessions:
        tally = weeks[_monday(session.starts_at)]
        for row in cells.values():
            if session.pk in row:
                tally.add(row[session.pk])
    return [(week, round(weeks[week].rate, 1)) for week in sorted(weeks) if weeks[week].rate is not None]


def weekly_rates(sessions, statuses):
    """[(Monday, rate)] of a course's register, for its chart."""
    return _weekly(sessions, statuses)


def student_timeline(enrollment, *, now=None):
    """[(session, status or None)] of the course's held sessions since the student enrolled, newest first."""
    sessions = attendance_selectors.held_sessions(enrollment.course, now=now).order_by("-starts_at")
    sessions = sessions.filter(starts_at__date__gte=enrollment.enrolled_on)
    statuses = attendance_selectors.statuses_of_student(enrollment.student, sessions)
    return [(session, statuses.get(session.pk)) for session in sessions]


def institution_overview(*, now=None):
    """Every active course's tally (the sum of its students') and its students at risk, lowest rate first."""
    courses = {}
    for row in enrollment_rates(course_selectors.enrollments_in_active_courses(), now=now):
        entry = courses.setdefault(row.course_id, {"course": row.course, "tally": Tally(), "at_risk_students": set()})
        entry["tally"] += row.tally
        if is_at_risk(row.tally, row.course.risk_threshold):
            entry["at_risk_students"].add(row.student_id)
    for entry in courses.values():
        entry["at_risk"] = len(entry["at_risk_students"])
    return sorted(courses.values(), key=lambda e: (e["tally"].rate is None, e["tally"].rate or 0))


def weekly_trend(*, weeks=8, now=None):
    """[(Monday, rate)] over the institution's held sessions of the last `weeks` weeks: every active
    student of every active course, a held session without their record counted absent, as in the reports."""
    now = now or timezone.now()
    enrollments = list(course_selectors.enrollments_in_active_courses())
    sessions = list(
        attendance_selectors.sessions_held(
            course_selectors.sessions_in(courses={e.course_id for e in enrollments}),
            now=now,
        ).filter(starts_at__gte=now - timedelta(weeks=weeks))
    )
    return _weekly(sessions, _grid(enrollments, sessions))
