"""How the notifications behaviour sends read, in the reader's language (notifications.texts)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.models import Kind
from notifications.texts import renders


@renders(Kind.BEHAVIOUR_ESCALATION)
def behaviour_escalation(params):
    title = _("%(student)s reached behaviour level %(level)d of %(max)d") % params
    body = (
        ngettext(
            "%(count)d negative behaviour record in the last %(days)d days (last one in %(course)s).",
            "%(count)d negative behaviour records in the last %(days)d days (last one in %(course)s).",
            params["count"],
        )
        % params
    )
    return title, body
