"""The gradebook as rows, for `attendance_system.spreadsheets` to write as CSV or XLSX."""

from django.utils.translation import gettext as _

from grades import selectors


def _cell(cell):
    """A score as a number a spreadsheet can sum (17 or 17.5); a marker as its letter (EX, M)."""
    if cell.value is None:
        return cell.text
    return int(cell.value) if cell.value == cell.value.to_integral_value() else float(cell.value)


def gradebook_rows(course, *, term=None):
    """The header (a column per assessment: title, type, maximum, weight), then a student per row: their cells as
    as numbers or markers (EX, M, or nothing), their average in percent and their letter."""
    book = selectors.gradebook(course, term=term)
    yield [
        _("Student number"),
        _("Last name"),
        _("First name"),
        *[
            f"{a.title} ({a.type_enum.label}, /{a.max_score.normalize():f}, ×{a.weight.normalize():f})"
            for a in book.assessments
        ],
        _("Average (%)"),
        _("Letter"),
    ]
    for row in book.rows:
        yield [
            row.student.student_number or "",
            row.student.last_name,
            row.student.first_name,
            *[_cell(cell) for cell in row.cells],
            "" if row.average is None else round(row.average, 1),
            row.letter,
        ]
