"""Attendance rates, the one definition every page, export and alert uses.

    rate = (present + late) / (sessions held - excused)

A session is held when it has ended and was not cancelled (one in progress does not count yet); a student
counts only the sessions held since they enrolled. Held sessions without a record, and pending ones, count
as not attended. No held session (or only excused ones) gives no rate, shown as "no sessions yet", never a
division by zero.
"""

from bisect import bisect_left
from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone

from attendance.models import AttendanceRecord, Status
from courses.models import ClassSession, Enrollment, SessionState


def held(sessions, *, now):
    """The sessions that count: ended, not cancelled, and attendance taken (opened for check-in, or with
    a record from roll call). A session nobody took attendance for makes nobody absent."""
    taken = Q(state__in=[SessionState.OPEN, SessionState.CLOSED]) | Exists(
        AttendanceRecord.objects.filter(session=OuterRef("pk"))
    )
    return sessions.filter(taken, ends_at__lt=now).exclude(state=SessionState.CANCELLED)


def held_sessions(course, *, now=None):
    return held(ClassSession.objects.filter(course=course), now=now or timezone.now()).select_related("course")


def enrollment_rates(enrollments, *, now=None, first=None, last=None):
    """The enrollments, each with held, present, late, excused, pending, absent, counted and rate (a
    percentage, or None when no session counts).

    Two queries whatever the size: the statuses are counted in the database by conditional aggregation over
    each student's records of their course's held sessions since enrolment, and the held sessions of the
    courses concerned are read once and counted from each enrolment date. The rate is their ratio.
    `first` and `last` (dates) narrow it to the sessions between them.
    """
    now = now or timezone.now()
    sessions = held(ClassSession.objects.all(), now=now)
    if first:
        sessions = sessions.filter(starts_at__date__gte=first)
    if last:
        sessions = sessions.filter(starts_at__date__lte=last)
    record = "student__attendance_records"
    counted_record = Q(
        **{
            f"{record}__session__course": F("course"),
            f"{record}__session__in": sessions,
            f"{record}__session__starts_at__date__gte": F("enrolled_on"),
        }
    )

    def count(status):
        return Count(record, filter=counted_record & Q(**{f"{record}__status": status}))

    rows = list(
        enrollments.annotate(
            present=count(Status.PRESENT),
            late=count(Status.LATE),
            excused=count(Status.EXCUSED),
            pending=count(Status.PENDING),
        )
    )
    held_days = defaultdict(list)
    for course_id, day in sessions.filter(course__in={row.course_id for row in rows}).values_list(
        "course_id", TruncDate("starts_at")
    ):
        held_days[course_id].append(day)
    for days in held_days.values():
        days.sort()
    for row in rows:
        days = held_days[row.course_id]
        row.held = len(days) - bisect_left(days, row.enrolled_on)
        row.absent = max(row.held - row.present - row.late - row.excused - row.pending, 0)
        row.counted = row.held - row.excused
        row.rate = 100.0 * (row.present + row.late) / row.counted if row.counted > 0 else None
    return rows


def course_rates(course, *, query="", now=None, first=None, last=None):
    """Every active student of a course (or those matching `query`) with their counts and rate, by name."""
    enrollments = Enrollment.objects.filter(course=course, active=True).select_related("student")
    if query:
        enrollments = enrollments.filter(
            Q(student__first_name__icontains=query)
            | Q(student__last_name__icontains=query)
            | Q(student__student_number__icontains=query)
            | Q(student__email__icontains=query)
        )
    rows = enrollment_rates(enrollments, now=now, first=first, last=last)
    return sorted(rows, key=lambda row: (row.student.last_name, row.student.first_name, row.student_id))


def is_at_risk(rate, threshold):
    return rate is not None and rate < threshold


NOT_ENROLLED = "not_enrolled"


def register(course, *, now=None):
    """The grid of a course: held sessions (columns), students (rows) and each status, in three queries.

    A cell is a status, None (no record: counts as absent) or NOT_ENROLLED (before the student joined).
    """
    sessions = list(held_sessions(course, now=now).order_by("starts_at"))
    enrollments = Enrollment.objects.filter(course=course, active=True).select_related("student")
    students = []
    for enrollment in enrollments:
        enrollment.student.enrolled_on = enrollment.enrolled_on
        students.append(enrollment.student)
    students.sort(key=lambda s: (s.last_name, s.first_name))
    statuses = defaultdict(dict)
    for session_id, student_id, status in AttendanceRecord.objects.filter(session__in=sessions).values_list(
        "session_id", "student_id", "status"
    ):
        statuses[student_id][session_id] = status
    days = [timezone.localtime(session.starts_at).date() for session in sessions]
    for student in students:
        # Sessions are in date order: those before the enrolment are the first ones.
        for session in sessions[: bisect_left(days, student.enrolled_on)]:
            statuses[student.pk][session.pk] = NOT_ENROLLED
    return sessions, students, statuses


def session_summaries(sessions, students, statuses):
    """Per held session: counts, rate and who was missing (absent or no record), from a register.

    The same formula as enrollment_rates, summed over a session's students instead of a student's sessions.
    """
    summaries = []
    for session in sessions:
        counts = defaultdict(int)
        missing = []
        for student in students:
            status = statuses[student.pk].get(session.pk)
            counts[status] += 1
            if status in {None, Status.ABSENT, Status.PENDING}:
                missing.append(student)
        attended = counts[Status.PRESENT] + counts[Status.LATE]
        counted = len(students) - counts[Status.EXCUSED] - counts[NOT_ENROLLED]
        summaries.append(
            {
                "session": session,
                "attended": attended,
                "excused": counts[Status.EXCUSED],
                "missing": missing,
                "rate": 100.0 * attended / counted if counted else None,
            }
        )
    return summaries


def weekly_rates(sessions, students, statuses):
    """[(Monday, rate)] over the weeks of the register, for the term chart (the same formula, by week)."""
    attended, counted = defaultdict(int), defaultdict(int)
    for session in sessions:
        week = timezone.localtime(session.starts_at).date()
        week -= timedelta(days=week.weekday())
        for student in students:
            status = statuses[student.pk].get(session.pk)
            if status in {Status.EXCUSED, NOT_ENROLLED}:
                continue
            counted[week] += 1
            attended[week] += status in {Status.PRESENT, Status.LATE}
    return [(week, round(100.0 * attended[week] / counted[week], 1)) for week in sorted(counted) if counted[week]]


def student_timeline(student, course, *, now=None):
    """[(session, status or None)] of the course's held sessions since the student enrolled, newest first."""
    sessions = held_sessions(course, now=now).order_by("-starts_at")
    enrollment = Enrollment.objects.filter(student=student, course=course).first()
    if enrollment:
        sessions = sessions.filter(starts_at__date__gte=enrollment.enrolled_on)
    statuses = dict(
        AttendanceRecord.objects.filter(student=student, session__in=sessions).values_list("session_id", "status")
    )
    return [(session, statuses.get(session.pk)) for session in sessions]


def institution_overview(*, now=None):
    """Every active course's rate (its students' attended over counted sessions) and its students at risk.

    One query over all active enrolments, through enrollment_rates.
    """
    rows = enrollment_rates(
        Enrollment.objects.filter(active=True, course__archived=False).select_related("course"), now=now
    )
    courses = {}
    for row in rows:
        entry = courses.setdefault(
            row.course_id, {"course": row.course, "attended": 0, "counted": 0, "at_risk_students": set()}
        )
        entry["attended"] += row.present + row.late
        entry["counted"] += row.counted
        if is_at_risk(row.rate, row.course.risk_threshold):
            entry["at_risk_students"].add(row.student_id)
    for entry in courses.values():
        entry["at_risk"] = len(entry["at_risk_students"])
        entry["rate"] = 100.0 * entry["attended"] / entry["counted"] if entry["counted"] else None
    return sorted(courses.values(), key=lambda e: (e["rate"] is None, e["rate"] or 0))


def weekly_trend(*, weeks=8, now=None):
    """[(Monday, rate)] over the institution's recorded sessions of the last `weeks` weeks.

    The same formula summed by week over the records themselves (an approximation: a held session's
    missing records, which closing fills in, are not counted here).
    """
    now = now or timezone.now()
    rows = (
        AttendanceRecord.objects.filter(session__ends_at__lt=now, session__starts_at__gte=now - timedelta(weeks=weeks))
        .exclude(session__state=SessionState.CANCELLED)
        .annotate(week=TruncWeek("session__starts_at"))
        .values("week")
        .annotate(
            attended=Count("pk", filter=Q(status__in=[Status.PRESENT, Status.LATE])),
            counted=Count("pk", filter=~Q(status=Status.EXCUSED)),
        )
        .order_by("week")
    )
    return [(row["week"].date(), round(100.0 * row["attended"] / row["counted"], 1)) for row in rows if row["counted"]]
