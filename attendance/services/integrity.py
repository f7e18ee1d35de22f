"""Where a check-in comes from: the session's allowed networks and its place (courses.limits). Both checks read
only the session and its course, already loaded with the code, so they cost no query."""

from typing import NamedTuple

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from attendance_system.addresses import in_networks
from attendance_system.errors import DomainError
from courses.limits import distance_m, networks_of, place_of


class Position(NamedTuple):
    """Where the browser says it is (degrees), and how accurate it says that is (metres)."""

    latitude: float
    longitude: float
    accuracy: float


def checkin_evidence(*, session, address, position):
    """Refuses a check-in to `session` from outside its networks or away from its place; otherwise the fields
    the record keeps of where it came from."""
    check_network(session=session, address=address)
    return check_place(session=session, position=position)


def check_network(*, session, address):
    networks = networks_of(session)
    if networks and not in_networks(address, networks):
        raise DomainError(
            _(
                "Check-in to %(course)s is allowed only from the school's network. Connect to it (its Wi-Fi, "
                "for instance) and try again."
            )
            % {"course": session.course.code}
        )


def within(distance, accuracy, radius):
    """Whether a position `distance` metres from the place, accurate to `accuracy` metres, is near enough.

    The browser's position is the centre of a circle the device is probably in; the accuracy (its radius) gives
    the benefit of the doubt, but never more than the place's own radius: a check-in is accepted up to twice
    the radius from the place at most, so a coarse position (a laptop placed by its network, ±5 km) does not
    pass from anywhere in town."""
    return distance - min(accuracy, radius) <= radius


def check_place(*, session, position):
    place = place_of(session)
    if place is None:
        return {}
    course = session.course.code
    if position is None:
        raise DomainError(
            _("%(course)s checks where you are: allow this page to use your location, then check in again.")
            % {"course": course}
        )
    distance = distance_m(position.latitude, position.longitude, place.latitude, place.longitude)
    if not within(distance, position.accuracy, place.radius):
        raise DomainError(
            _(
                "You are about %(distance)s m from the place of %(course)s (your position is accurate to "
                "%(accuracy)s m); check-in is allowed within %(radius)s m. If you are there, turn on precise "
                "location or move near a window, and try again."
            )
            % {
                "distance": number_format(distance, 0, force_grouping=True),
                "course": course,
                "accuracy": number_format(position.accuracy, 0, force_grouping=True),
                "radius": place.radius,
            }
        )
    return {**position._asdict(), "distance": distance}
