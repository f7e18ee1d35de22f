"""Reading an uploaded or pasted CSV where every line must be good before anything is imported."""

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_IMPORT_BYTES = 2 * 1024 * 1024


def too_large():
    return _("The file is larger than 2 MB.")


def upload_input_attrs():
    """For a CSV file input: app.js refuses a larger file before it is sent, with the server's words."""
    return {"data-max-bytes": MAX_IMPORT_BYTES, "data-too-large-text": too_large()}


@dataclass(frozen=True)
class LineError:
    line: int
    reason: str

    def __str__(self):
        return _("Line %(line)d: %(reason)s") % {"line": self.line, "reason": self.reason}


class ImportRejected(Exception):
    """Raised with every bad line so that the user can fix them all in one go."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


def read_rows(*, text=None, upload=None):
    """Yield (line number, list of stripped cells) for each non-blank line.

    `upload` is an UploadedFile; its bytes must be UTF-8 (a BOM from a spreadsheet is accepted).
    """
    if upload is not None:
        if upload.size > MAX_IMPORT_BYTES:
            raise ImportRejected([LineError(0, too_large())])
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRejected([LineError(0, _("The file is not UTF-8 text; save it as CSV (UTF-8)."))])
    sample = (text or "")[:2048]
    # Spreadsheets in many European locales save CSV with semicolons.
    delimiter = ";" if ";" in sample and "," not in sample else ","
    reader = csv.reader(io.StringIO(text or ""), delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            # A field past the csv module's limit (128 KB), or a stray NUL: no import has such a line.
            raise ImportRejected([LineError(reader.line_num, _("this line cannot be read as CSV."))]) from None
        cells = [cell.strip() for cell in row]
        if any(cells):
            yield reader.line_num, cells
