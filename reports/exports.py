"""CSV (streamed: flat memory however many rows) and XLSX (openpyxl's write-only mode) exports."""

import csv
import tempfile

from asgiref.sync import sync_to_async
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from attendance import selectors as attendance_selectors
from attendance.models import Method, Status
from reports import selectors

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is run as a formula by spreadsheets (CSV and XLSX alike).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 500


def safe(value):
    """Text a spreadsheet shows as text: a leading formula character is escaped with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def records_rows(course, *, first=None, last=None, student=None):
    """The header, then one row per attendance record of the course, oldest first, read in chunks."""
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
    ]
    values = attendance_selectors.records_for_export(course, first=first, last=last, student=student)
    zone = timezone.get_current_timezone()
    statuses, methods = dict(Status.choices), dict(Method.choices)
    yes, no = _("yes"), _("no")
    session_starts = {}  # a few dozen sessions, many thousand rows: format each start once
    for starts_at, number, last_name, first_name, email, status, method, submitted_at, is_late in values.iterator(
        chunk_size=2000
    ):
        if starts_at not in session_starts:
            session_starts[starts_at] = _local(starts_at)
        yield [
            session_starts[starts_at],
            course.code,
            number,
            safe(last_name),
            safe(first_name),
            email,
            str(statuses[status]),
            str(methods[method]),
            submitted_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            yes if is_late else no,
        ]


def _letter(cell):
    return "" if cell == selectors.NOT_ENROLLED else Status.of(cell).letter


def register_rows(course, *, first=None, last=None, student=None):
    """The register as a table: a student per row, a held session per column, then counts and the rate,
    all over the sessions the filters keep. No session in range gives the header alone."""
    sessions, students, statuses = selectors.register(course)
    if first:
        sessions = [s for s in sessions if timezone.localtime(s.starts_at).date() >= first]
    if last:
        sessions = [s for s in sessions if timezone.localtime(s.starts_at).date() <= last]
    if student:
        students = [s for s in students if s.pk == student.pk]
    yield [
        _("Student number"),
        _("Last name"),
        _("First name"),
        *[_local(s.starts_at) for s in sessions],
        _("Present"),
        _("Late"),
        _("Absent"),
        _("Excused"),
        _("Rate (%)"),
    ]
    if not sessions:
        return
    tallies = {row.student_id: row.tally for row in selectors.course_rates(course, first=first, last=last)}
    for person in students:
        tally = tallies[person.pk]
        yield [
            person.student_number,
            safe(person.last_name),
            safe(person.first_name),
            *[_letter(statuses[person.pk][s.pk]) for s in sessions],
            tally.present,
            tally.late,
            tally.absent,
            tally.excused,
            round(tally.rate, 1) if tally.rate is not None else "",
        ]


class _Line:
    """A file-like object whose write returns the line, so csv.writer can produce text piece by piece."""

    def write(self, value):
        return value


def _csv_chunks(rows):
    writer = csv.writer(_Line())
    chunk = []
    for row in rows:
        chunk.append(writer.writerow(row))
        if len(chunk) == ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


async def _stream(chunks):
    """Under ASGI a synchronous iterator would be read whole before sending; this hands it over in chunks,
    each read in the thread the database connection belongs to."""
    sentinel = object()
    while (chunk := await sync_to_async(next, thread_sensitive=True)(chunks, sentinel)) is not sentinel:
        yield chunk


def csv_response(rows, filename, *, asynchronous):
    chunks = _csv_chunks(rows)
    content = _stream(chunks) if asynchronous else chunks
    response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(rows, filename):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    workbook.save(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)
