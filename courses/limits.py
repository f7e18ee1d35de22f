"""Where and from which networks a session's check-in is allowed: a course sets a place and a list of networks,
and a session follows its course, has its own, or turns the check off."""

import ipaddress
import math
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)


class Place(NamedTuple):
    latitude: float
    longitude: float
    radius: int  # metres


class Override(models.TextChoices):
    """How a session takes a check of its course's."""

    COURSE = "course", _("As the course")
    OWN = "own", _("This session's own")
    OFF = "off", _("Off for this session")


def distance_m(latitude1, longitude1, latitude2, longitude2):
    """The great-circle distance in metres between two points in degrees (haversine, on a sphere: within 0.5%
    of the ellipsoid, a metre or two at a lecture hall's scale)."""
    phi1, phi2 = math.radians(latitude1), math.radians(latitude2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(longitude2 - longitude1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def parse_networks(text):
    """The networks of a list written one per line or separated by commas or spaces (`10.0.0.0/8`, `2001:db8::/32`,
    or a single address); host bits are ignored (`192.168.1.7/24` is `192.168.1.0/24`). Raises a ValidationError
    with one message per bad entry."""
    networks, errors = [], []
    for entry in text.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            errors.append(
                ValidationError(
                    _("“%(entry)s” is not a network: write an address or a range such as 192.168.0.0/16."),
                    code="network",
                    params={"entry": entry},
                )
            )
    if errors:
        raise ValidationError(errors)
    return networks


def validate_networks(text):
    parse_networks(text)


def own_place(source):
    """The place a course or a session sets itself, or None."""
    return None if source.radius is None else Place(source.latitude, source.longitude, source.radius)


def place_of(session):
    """The place a student must be near to check in to the session, or None when it checks no place. Reads
    only the session and its course (loaded with it)."""
    if session.location_override == Override.OFF:
        return None
    return own_place(session if session.location_override == Override.OWN else session.course)


def networks_of(session):
    """The networks a check-in to the session must come from; empty when any will do."""
    if session.network_override == Override.OFF:
        return []
    source = session if session.network_override == Override.OWN else session.course
    return parse_networks(source.allowed_networks)


def clean_limits(instance, *, place_required=False, networks_required=False):
    """A course's or a session's place is whole or absent; a session with its own place or networks has them."""
    place = {"latitude": instance.latitude, "longitude": instance.longitude, "radius": instance.radius}
    errors = {}
    if place_required or any(value is not None for value in place.values()):
        errors = {
            name: _("A place needs a latitude, a longitude and a radius.")
            for name, value in place.items()
            if value is None
        }
    if networks_required and not instance.allowed_networks.strip():
        errors["allowed_networks"] = _("List this session's networks, or choose another setting.")
    if errors:
        raise ValidationError(errors)
