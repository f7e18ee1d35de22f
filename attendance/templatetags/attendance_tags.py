"""How statuses look: templates ask the enums through these filters, and never name a colour themselves."""

from django import template
from django.utils.translation import gettext as _

from attendance.models import JustificationState, Status

register = template.Library()


@register.filter
def status_label(status):
    """The translated label of a record status; no record counts as absent."""
    return Status(status).label if status in Status.values else _("Absent (no record)")


@register.filter
def status_badge(status):
    return Status.of(status).badge


@register.filter
def status_tone(status):
    return Status.of(status).tone


@register.filter
def status_letter(status):
    return Status.of(status).letter


@register.filter
def justification_badge(state):
    return JustificationState(state).badge
