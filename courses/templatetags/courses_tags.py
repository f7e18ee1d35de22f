from django import template

from courses.models import SessionState

register = template.Library()


@register.filter
def state_badge(state):
    """The badge class of a session's state, as the enum says."""
    return SessionState(state).badge
