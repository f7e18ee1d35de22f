"""How the weekly alerts read, in the reader's language (notifications.texts). `to` says who is told: the family
(the student and their parents) or the teachers."""

from django.utils import formats
from django.utils.translation import gettext as _

from notifications.models import Kind
from notifications.texts import renders
from reports.models import AlertReason
from reports.progress import alert_detail


@renders(Kind.LOW_ATTENDANCE)
def low_attendance(params):
    body = _("%(student)s attended %(attended)d of %(counted)d sessions.") % params
    if params["to"] == "family":
        title = _("Low attendance in %(course)s: %(rate)s %% (threshold %(threshold)d %%)") % {
            **params,
            "rate": formats.number_format(params["rate"], 0),
        }
    else:
        title = _("%(student)s is below the threshold in %(course)s") % params
    return title, body


@renders(Kind.LOW_PERFORMANCE)
def low_performance(params):
    detail = alert_detail(AlertReason.LOW_PERFORMANCE, params["facts"])
    body = _("%(student)s: %(detail)s.") % {"student": params["student"], "detail": detail}
    if params["to"] == "family":
        return _("Low performance: %(detail)s") % {"detail": detail}, body
    return _("%(student)s has a low average") % params, body


@renders(Kind.BEHAVIOUR_CONCERN)
def behaviour_concern(params):
    detail = alert_detail(AlertReason.BEHAVIOUR, params["facts"])
    return (
        _("Behavioural concern: %(student)s") % params,
        _("%(student)s: %(detail)s.") % {"student": params["student"], "detail": detail},
    )
