"""The rows of the attendance exports; `attendance_system.spreadsheets` writes them as CSV or XLSX."""

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from attendance import selectors as attendance_selectors
from attendance.models import Method, Status, minutes_between
from courses import selectors as course_selectors
from reports import selectors


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _local_minutes():
    """A function giving the local "YYYY-MM-DD HH:MM" of a UTC time written as text ("2026-09-01 08:02:11.5",
    with "+00" on PostgreSQL), parsing each distinct minute once: the records of a session share a few."""
    zone = timezone.get_current_timezone()
    seen = {}

    def local(text):
        minute = text[:16]
        if minute not in seen:
            moment = datetime.fromisoformat(text)
            if moment.utcoffset():
                raise ValueError(f"Expected a UTC time, got {text!r}")
            seen[minute] = _local(moment.replace(tzinfo=UTC).astimezone(zone))
        return seen[minute]

    return local


def _utc(text):
    """The UTC time written as text by `records_to_export`."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def records_rows(course, *, first=None, last=None, student=None):
    """The header, then one row per attendance record of the course, oldest first, read in chunks: with the
    check-in (submission) and check-out times, the minutes between them and whether the student left early."""
    yield [
        _("Session"),
        _("Course"),
        _("Student number"),
        _("Last name"),
        _("First name"),
        _("Email"),
        _("Status"),
        _("Method"),
        _("Submitted at"),
        _("Late check-in"),
        _("Checked out at"),
        _("Minutes"),
        _("Left early"),
    ]
    # A few hundred sessions and labels for a hundred thousand rows: each is formatted once.
    starts = {
        session.pk: _local(session.starts_at)
        for session in course_selectors.sessions_in(courses=[course], first=first, last=last)
    }
    statuses = {value: str(label) for value, label in Status.choices}
    methods = {value: str(label) for value, label in Method.choices}
    yes_no = {True: _("yes"), False: _("no")}
    submitted = _local_minutes()
    records = attendance_selectors.records_to_export(course, first=first, last=last, student=student)
    for (
        session_id,
        number,
        last_name,
        first_name,
        email,
        status,
        method,
        submitted_at,
        is_late,
        checked_out_at,
        left_early,
    ) in records.iterator(chunk_size=2000):
        minutes = ""
        if checked_out_at:
            minutes = minutes_between(_utc(submitted_at), _utc(checked_out_at))
        yield [
            starts[session_id],
            course.code,
            number,
            last_name,
            first_name,
            email,
            statuses[status],
            methods[method],
            submitted(submitted_at),
            yes_no[is_late],
            submitted(checked_out_at) if checked_out_at else "",
            minutes,
            yes_no[left_early],
        ]


def _letters():
    """{register cell: its letter}; nothing before the student enrolled."""
    return {None: Status.of(None).letter, selectors.NOT_ENROLLED: "", **{s.value: s.letter for s in Status}}


def register_rows(course, *, first=None, last=None, student=None):
    """The register as a table: a student per row, a held session per column, then counts and the rate,
    all over the sessions the filters keep. No session in range gives the header alone."""
    enrollments = course_selectors.roster(course)
    if student:
        enrollments = enrollments.filter(student=student)
    sessions, students, rows = selectors.register(course, enrollments=list(enrollments) if student else None)
    columns = [
        index
        for index, session in enumerate(sessions)
        if (not first or timezone.localtime(session.starts_at).date() >= first)
        and (not last or timezone.localtime(session.starts_at).date() <= last)
    ]
    yield [
        _("Student number"),
        _("Last name"),
        _("First name"),
        *[_local(sessions[index].starts_at) for index in columns],
        _("Present"),
        _("Late"),
        _("Absent"),
        _("Excused"),
        _("Rate (%)"),
    ]
    if not columns:
        return
    tallies = {row.student_id: row.tally for row in selectors.enrollment_rates(enrollments, first=first, last=last)}
    letters = _letters()
    for person in students:
        tally, cells = tallies[person.pk], rows[person.pk]
        yield [
            person.student_number,
            person.last_name,
            person.first_name,
            *[letters[cells[index]] for index in columns],
            tally.present,
            tally.late,
            tally.absent,
            tally.excused,
            round(tally.rate, 1) if tally.rate is not None else "",
        ]
