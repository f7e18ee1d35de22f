"""The register's cells, rendered in Python: a course of 1,000 students and 120 sessions has 120,000 of them, and
a template loop over them takes seconds. Their look still comes from the enum (`Status.badge`, `Status.letter`)."""

from functools import cache

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from attendance.models import Status
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


@register.filter
def register_cells(row):
    """The <td> of each cell of a register row, in one string."""
    cells = _cells(get_language())
    return mark_safe("".join(cells[cell] for cell in row))  # noqa: S308 (each piece is built by format_html)
