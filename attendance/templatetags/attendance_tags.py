from django import template
from django.utils.translation import gettext as _

from attendance.models import Status

register = template.Library()


@register.filter
def status_label(status):
    """The translated label of a record status; no record counts as absent."""
    return Status(status).label if status in Status.values else _("Absent (no record)")
