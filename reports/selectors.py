"""Attendance rates: one formula, used by every page, export, alert and chart.

    rate = (present + late) / (sessions held - excused)

`Tally` holds the counts and is the only place the ratio is computed. A session is held when it has ended,
was not cancelled and attendance was taken (`attendance.selectors.sessions_held`); a student counts only the
sessions held since they enrolled. Held sessions without a record, and pending check-ins, count as not
attended. No held session (or only excused ones) gives no rate, shown as "no sessions yet", never a division
by zero.

Every count ends in a Tally, made whatever the size of the course from the number of cells (held sessions x
students enrolled by then, counted from the dates) and the few cells that are not present records, read in one
query: per enrolment (`enrollment_rates`) and per session (`course_report`), summed by week (`weekly_rates`) or
over the institution. Only the register (`register`) reads every cell, to show it.
"""

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, fields
from datetime import timedelta

from django.utils import timezone

from attendance import selectors as attendance_selectors
from attendance.models import Status
from courses import selectors as course_selectors
from grades import selectors as grade_selectors

NOT_ENROLLED = "not_enrolled"


@dataclass
class Tally:
    present: int = 0
    late: int = 0
    absent: int = 0
    excused: int = 0
    pending: int = 0

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


# A held session without the student's record counts as absent; pending and absent students were missing.
MISSING = {None, Status.ABSENT, Status.PENDING}


def _tally(others, cells):
    """The Tally of `cells` register cells, of which `others` {status or None: number} are not present records
    (None: no record): every other cell is one."""
    return Tally(
        present=cells - sum(others.values()),
        late=others[Status.LATE],
        absent=others[Status.ABSENT] + others[None],
        excused=others[Status.EXCUSED],
        pending=others[Status.PENDING],
    )


def cell_tally(status):
    """The Tally of one register cell: a record's status, or None when there is none."""
    return _tally(Counter() if status == Status.PRESENT else Counter({status: 1}), 1)


def _cells_not_present(enrollments, sessions):
    """The register cells of `enrollments` x `sessions` (querysets) that are not present records, in one query:
    ({enrolment id: {status: number}}, {session id: {status: number}}, {session id: ids of the students
    missing})."""
    by_enrollment, by_session, missing = defaultdict(Counter), defaultdict(Counter), defaultdict(set)
    for enrollment_id, student_id, session_id, status in attendance_selectors.cells_not_present(enrollments, sessions):
        by_enrollment[enrollment_id][status] += 1
        by_session[session_id][status] += 1
        if status in MISSING:
            missing[session_id].add(student_id)
    return by_enrollment, by_session, missing


def _day(session):
    return timezone.localtime(session.starts_at).date()


def _held_since(days, enrolled_on):
    """How many of the sorted `days` of a course's held sessions are on or after `enrolled_on`."""
    return len(days) - bisect_left(days, enrolled_on)


def _session_tallies(sessions, enrolled_on, others):
    """[(session, Tally)] of `sessions`, each over the students enrolled in its course by its day, from
    {course id: sorted enrolment dates} and the cells that are not present, by session."""
    return [
        (session, _tally(others[session.pk], bisect_right(enrolled_on[session.course_id], _day(session))))
        for session in sessions
    ]


def enrollment_rates(enrollments, *, now=None, first=None, last=None):
    """The enrollments (a queryset), each with its `tally`, in three queries whatever the size.

    The held sessions of their courses are counted from each enrolment date, and the database reads only the
    cells that are not present records. `first` and `last` (dates) narrow it to the sessions between them.
    """
    rows = list(enrollments)
    sessions = attendance_selectors.sessions_held(
        course_selectors.sessions_in(courses={row.course_id for row in rows}, first=first, last=last), now=now
    )
    others = _cells_not_present(enrollments, sessions)[0]
    held_days = defaultdict(list)
    for course_id, day in course_selectors.session_days(sessions):
        held_days[course_id].append(day)
    for days in held_days.values():
        days.sort()
    for row in rows:
        row.tally = _tally(others[row.pk], _held_since(held_days[row.course_id], row.enrolled_on))
    return rows


def course_rates(course, *, query="", now=None, first=None, last=None):
    """Every active student of a course (or those matching `query`) with their tally, by name."""
    return enrollment_rates(course_selectors.roster(course, search=query), now=now, first=first, last=last)


def _held_between(course, *, first, last, now):
    """The course's held sessions starting between the local dates `first` and `last` (when given), oldest first."""
    sessions = attendance_selectors.sessions_held(
        course_selectors.sessions_in(courses=[course], first=first, last=last), now=now
    )
    return sessions.select_related("course").order_by("starts_at")


def course_report(course, *, query="", now=None, first=None, last=None):
    """A course's report from one reading of its register, in four queries (five with a `query`), over the held
    sessions between `first` and `last` (dates, when given):

    - its active students (those matching `query`), by name, each with their `tally`;
    - per held session, oldest first: its `tally` and the names of who was `missing` (absent, pending or no
      record).
    """
    enrollments = course_selectors.roster(course).select_related(None).select_related("student")
    sessions = _held_between(course, first=first, last=last, now=now)
    roster, held = list(enrollments), list(sessions)
    by_enrollment, by_session, missing = _cells_not_present(enrollments, sessions)
    days = [_day(session) for session in held]
    enrolled_on = {course.pk: sorted(row.enrolled_on for row in roster)}
    for row in roster:
        row.tally = _tally(by_enrollment[row.pk], _held_since(days, row.enrolled_on))
    names = [row.student.get_full_name() for row in roster]
    order = {row.student_id: index for index, row in enumerate(roster)}
    summaries = [
        {
            "session": session,
            "tally": tally,
            "missing": [names[index] for index in sorted(order[pk] for pk in missing[session.pk])],
        }
        for session, tally in _session_tallies(held, enrolled_on, by_session)
    ]
    if query:
        matching = set(course_selectors.roster(course, search=query).values_list("pk", flat=True))
        roster = [row for row in roster if row.pk in matching]
    return roster, summaries


def rate_against_score(course, rows, *, term=None):
    """[{"name", "rate", "score"}] of the course's students among `rows` (course report rows, with their tally)
    who have both an attendance rate and an average score (every score the teacher entered in `term`, when
    given, as the gradebook counts it): what a scatter of one against the other needs. Four queries."""
    averages = {row.student.pk: row.average for row in grade_selectors.gradebook(course, term=term).rows}
    return [
        {
            "name": row.student.get_full_name(),
            "rate": round(row.tally.rate, 1),
            "score": round(averages[row.student_id], 1),
        }
        for row in rows
        if row.tally.rate is not None and averages.get(row.student_id) is not None
    ]


def register(course, *, enrollments=None, first=None, last=None, now=None):
    """The grid of a course: held sessions (columns), students (rows) and {student id: [cell per session]}, in
    three queries. `enrollments` narrows the rows (a page of the roster, students loaded), `first` and `last`
    (dates) the columns.

    A cell is a status, None (no record: counts as absent) or NOT_ENROLLED (before the student joined).
    """
    sessions = list(_held_between(course, first=first, last=last, now=now))
    if enrollments is None:
        enrollments = course_selectors.roster(course)
        records = attendance_selectors.statuses_in(sessions)
    else:
        records = attendance_selectors.statuses_of_students([e.student_id for e in enrollments], sessions)
    days = [_day(session) for session in sessions]
    column = {session.pk: index for index, session in enumerate(sessions)}
    students, rows = [], {}
    for enrollment in enrollments:
        enrollment.student.enrolled_on = enrollment.enrolled_on
        students.append(enrollment.student)
        joined = bisect_left(days, enrollment.enrolled_on)
        rows[enrollment.student_id] = [NOT_ENROLLED] * joined + [None] * (len(sessions) - joined)
    for session_id, student_id, status in records:
        row = rows.get(student_id)
        if row is not None and row[column[session_id]] != NOT_ENROLLED:
            row[column[session_id]] = status
    return sessions, students, rows


def register_checkouts(sessions, students):
    """For the register of a course that requires check-out: set on each of `students` (from `register`) its
    `checkouts`, per session of `sessions`, (check-in, check-out or None, left early) of its record, or None
    without one. One query."""
    column = {session.pk: index for index, session in enumerate(sessions)}
    rows = {student.pk: [None] * len(sessions) for student in students}
    for session_id, student_id, *times in attendance_selectors.checkout_times(sessions, list(rows)):
        rows[student_id][column[session_id]] = times
    for student in students:
        student.checkouts = rows[student.pk]


def _monday(moment):
    day = timezone.localtime(moment).date()
    return day - timedelta(days=day.weekday())


def weekly_rates(tallies):
    """[(Monday, rate)] of the weeks of [(session, Tally)], for a chart."""
    weeks = defaultdict(Tally)
    for session, tally in tallies:
        weeks[_monday(session.starts_at)] += tally
    return [(week, round(weeks[week].rate, 1)) for week in sorted(weeks) if weeks[week].rate is not None]


def student_timeline(enrollment, *, now=None):
    """[(session, status or None)] of the course's held sessions since the student enrolled, newest first."""
    sessions = attendance_selectors.held_sessions(enrollment.course, now=now).order_by("-starts_at")
    sessions = sessions.filter(starts_at__date__gte=enrollment.enrolled_on)
    statuses = attendance_selectors.statuses_of_student(enrollment.student, sessions)
    return [(session, statuses.get(session.pk)) for session in sessions]


def institution_overview(institution, *, now=None):
    """Every active course's tally (the sum of its students'), its students at risk (`at_risk_rows`: their
    enrolments with their tally, lowest rate first) and how many (`at_risk`); the courses lowest rate first."""
    courses = {}
    for row in enrollment_rates(course_selectors.enrollments_in_active_courses(institution), now=now):
        entry = courses.setdefault(row.course_id, {"course": row.course, "tally": Tally(), "at_risk_rows": []})
        entry["tally"] += row.tally
        if is_at_risk(row.tally, row.course.risk_threshold):
            entry["at_risk_rows"].append(row)
    for entry in courses.values():
        entry["at_risk_rows"].sort(key=_by_rate)
        entry["at_risk"] = len(entry["at_risk_rows"])
    return sorted(courses.values(), key=lambda e: (e["tally"].rate is None, e["tally"].rate or 0))


def _by_rate(row):
    return (row.tally.rate, row.student.last_name, row.student.first_name, row.course.code)


def students_at_risk(overview):
    """The enrolments below their course's threshold in an `institution_overview`, lowest rate first."""
    return sorted((row for entry in overview for row in entry["at_risk_rows"]), key=_by_rate)


def weekly_trend(institution, *, weeks=8, now=None):
    """[(Monday, rate)] over the institution's held sessions of the last `weeks` weeks: every active
    student of every active course, a held session without their record counted absent, as in the reports."""
    now = now or timezone.now()
    enrollments = course_selectors.enrollments_in_active_courses(institution)
    sessions = attendance_selectors.sessions_held(
        course_selectors.sessions_in(courses=course_selectors.active_courses(institution)), now=now
    ).filter(starts_at__gte=now - timedelta(weeks=weeks))
    enrolled_on = defaultdict(list)
    for course_id, day in enrollments.values_list("course_id", "enrolled_on").order_by():
        enrolled_on[course_id].append(day)
    for days in enrolled_on.values():
        days.sort()
    others = _cells_not_present(enrollments, sessions)[1]
    return weekly_rates(_session_tallies(sessions, enrolled_on, others))
