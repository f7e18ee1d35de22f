"""How the notifications grades sends read, in the reader's language (notifications.texts)."""

from django.utils.translation import gettext as _

from notifications.models import Kind
from notifications.texts import renders


@renders(Kind.SCORES_RELEASED)
def scores_released(params):
    return _("Scores released: %(assessment)s (%(course)s)") % params, ""
