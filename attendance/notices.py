"""How the notifications attendance sends read, in the reader's language (notifications.texts)."""

from django.utils.translation import gettext as _

from attendance.models import Reason
from courses.notices import label
from notifications.models import Kind
from notifications.texts import renders


@renders(Kind.CHECKIN_VALIDATED)
def checkin_validated(params):
    return _("Check-in validated: %(session)s") % {"session": label(params)}, ""


@renders(Kind.CHECKIN_REJECTED)
def checkin_rejected(params):
    return _("Check-in rejected: %(session)s") % {"session": label(params)}, params["reason"]


@renders(Kind.JUSTIFICATION_SUBMITTED)
def justification_submitted(params):
    title = _("Absence justification from %(student)s (%(course)s)") % params
    return title, Reason(params["reason"]).label


@renders(Kind.JUSTIFICATION_APPROVED)
def justification_approved(params):
    return _("Justification approved: %(course)s") % params, ""


@renders(Kind.JUSTIFICATION_DENIED)
def justification_denied(params):
    return _("Justification denied: %(course)s") % params, params["comment"]
