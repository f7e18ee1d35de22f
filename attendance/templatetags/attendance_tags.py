"""How statuses look: templates ask the enums through these filters, and never name a colour themselves."""

from math import ceil

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from attendance.models import JustificationState, Status
from attendance.services import checkout_refusal
from courses.limits import place_of

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


@register.filter
def minutes(count):
    """A number of minutes (`AttendanceRecord.minutes`), for a check-out: "95 min"."""
    return ngettext("%(count)d min", "%(count)d min", count) % {"count": count}


@register.simple_tag
def checkout_offer(session, record):
    """What a student's status in `session` offers for check-out: {"button": True} when they may check out with
    the button now, {"opens_in": seconds} until the button appears, {} otherwise."""
    now = timezone.now()
    if checkout_refusal(session=session, record=record, with_code=False, now=now) is None:
        return {"button": True}
    if checkout_refusal(session=session, record=record, with_code=True, now=now) is None:
        return {"opens_in": ceil((session.checkout_opens_at() - now).total_seconds())}
    return {}


@register.filter
def offers_checkout_button(sessions):
    """Whether one of the student's open `sessions` (each with its `record`) offers the Check out button now."""
    return any(checkout_offer(session, session.record).get("button") for session in sessions)


@register.filter
def checks_place(session):
    """Whether `session` checks where the student is: its forms then send the browser's position."""
    return place_of(session) is not None


@register.simple_tag
def checkout_box(sessions):
    """Whether the code box is there for a check-out code: one of the student's open `sessions` (from
    `selectors.checkin_card`) has its check-out code live, and the student may check out with it."""
    now = timezone.now()
    return any(
        session.checkout_code
        and checkout_refusal(session=session, record=session.record, with_code=True, now=now) is None
        for session in sessions
    )
