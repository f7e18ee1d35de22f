"""A score as every page shows it, rendered in Python: a gradebook of 300 students and 40 assessments has 12,000
cells, and an include per cell took most of the page's time."""

from decimal import Decimal

from django import template
from django.utils.html import format_html, format_html_join

from grades.models import score_text

register = template.Library()


@register.filter
def score_cell(cell):
    """The score, or its marker as a badge (excused, missing), or a dash when there is none yet."""
    if cell.marker:
        marker = cell.marker_enum
        return format_html('<span class="badge {}" title="{}">{}</span>', marker.badge, marker.label, cell.text)
    return cell.text or "—"


@register.filter
def score_cells(cells):
    """A gradebook row's cells, each in its <td>."""
    return format_html_join("", '<td class="text-end">{}</td>', ((score_cell(cell),) for cell in cells))


@register.filter
def points(value):
    """A number of points (a maximum, a weight, the lowest or highest score) written as scores are: 9.5, 20."""
    return score_text(Decimal(str(value)), "")
