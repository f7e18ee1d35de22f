from django import template

from courses.limits import networks_of, own_place, parse_networks, place_of
from courses.models import SessionState

register = template.Library()


@register.filter
def state_badge(state):
    """The badge class of a session's state, as the enum says."""
    return SessionState(state).badge


@register.inclusion_tag("courses/_checkin_limits.html")
def checkin_limits(*, session=None, course=None):
    """Where check-ins to a session (as it resolves its course's settings) or to a course must come from."""
    if session is not None:
        return {"place": place_of(session), "networks": networks_of(session)}
    return {"place": own_place(course), "networks": parse_networks(course.allowed_networks)}
