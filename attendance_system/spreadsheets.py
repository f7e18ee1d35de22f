"""Spreadsheet downloads, for every app's exports: CSV (streamed: flat memory however many rows) and XLSX
(written row by row by `attendance_system.xlsx`).

Every text cell goes through `safe`, in the writers, whatever the column: a cell a spreadsheet would run as a
formula is written as text."""

import csv
import tempfile

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse, StreamingHttpResponse

from attendance_system import xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is run as a formula by spreadsheets (CSV and XLSX alike).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 500


def safe(value):
    """Text a spreadsheet shows as text: a leading formula character is escaped with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Line:
    """A file-like object whose write returns the line, so csv.writer can produce text piece by piece."""

    def write(self, value):
        return value


def _csv_chunks(rows):
    writer = csv.writer(_Line())
    chunk = []
    for row in rows:
        chunk.append(writer.writerow(map(safe, row)))
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
    """The rows as a workbook, written row by row to a temporary file: a string cell is written as text
    (escaped by `safe`, never read as a formula, a link or a number), a number as a number."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    xlsx.write(output, (map(safe, row) for row in rows))
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)


def response(request, rows, filename, file_format):
    """The rows as a download: `xlsx`, or CSV, streamed through an async iterator when daphne serves the
    request (an ASGIRequest)."""
    if file_format == "xlsx":
        return xlsx_response(rows, filename)
    return csv_response(rows, filename, asynchronous=isinstance(request, ASGIRequest))
