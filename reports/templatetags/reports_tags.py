"""The register's cells, rendered in Python: a course of 1,000 students and 120 sessions has 120,000 of them, and
a template loop over them takes seconds. Their look still comes from the enum (`Status.badge`, `Status.letter`)."""

from functools import cache

from django import template
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from attendance.models import Status, minutes_between
from reports.selectors import NOT_ENROLLED

register = template.Library()


@cache
def _cells(language):
    """{cell: its <td>} for every value a register cell may hold, in `language` (the current one)."""
    cells = {None: format_html('<td class="text-center {}">{}</td>', Status.of(None).badge, Status.of(None).letter)}
    for status in Status:
        cells[status.value] = format_html('<td class="text-center {}">{}</td>', status.badge, status.letter)
    cells[NOT_ENROLLED] = format_html('<td class="text-center" title="{}">·</td>', _("not enrolled yet"))
    return cells


# After the letter of a record flagged as leaving early.
LEFT_EARLY_MARK = "↧"


@register.filter
def register_cells(row, checkouts=None):
    """The <td> of each cell of a register row, in one string; with the row's `checkouts` (a course that
    requires check-out, see `reports.selectors.register_checkouts`), each record's times in its title."""
    cells = _cells(get_language())
    if not checkouts:
        return mark_safe("".join(cells[cell] for cell in row))  # noqa: S308 (each piece is built by format_html)
    return mark_safe(  # noqa: S308 (each piece is built by format_html)
        "".join(
            cells[cell] if times is None or cell == NOT_ENROLLED else _timed_cell(cell, *times)
            for cell, times in zip(row, checkouts, strict=True)
        )
    )


def _timed_cell(status, checked_in, checked_out, left_early):
    status = Status(status)
    check_in = time_format(timezone.localtime(checked_in))
    if checked_out:
        title = _("In %(in)s, out %(out)s (%(minutes)d min)") % {
            "in": check_in,
            "out": time_format(timezone.localtime(checked_out)),
            "minutes": minutes_between(checked_in, checked_out),
        }
    else:
        title = _("In %(in)s, no check-out") % {"in": check_in}
    if left_early:
        title = _("%(times)s: left early") % {"times": title}
    return format_html(
        '<td class="text-center {}" title="{}">{}{}</td>',
        status.badge,
        title,
        status.letter,
        LEFT_EARLY_MARK if left_early else "",
    )


@register.simple_tag
def left_early_mark():
    return LEFT_EARLY_MARK
