"""The network address of the browser behind a request: the one place an address is read."""

import ipaddress

from django.conf import settings


def _ip(text):
    try:
        ip = ipaddress.ip_address(text.strip())
    except (AttributeError, ValueError):
        return None
    # An IPv4 address seen through an IPv6 socket (`::ffff:10.0.0.1`) is that IPv4 address.
    return getattr(ip, "ipv4_mapped", None) or ip


def in_networks(address, networks):
    """Whether the address (text) is in one of the networks."""
    ip = _ip(address)
    return ip is not None and any(ip in network for network in networks)


def client_address(request):
    """The address of the browser: REMOTE_ADDR, unless it is one of the proxies named by TRUSTED_PROXIES; then
    the right-most address of X-Forwarded-For that is not a trusted proxy (each proxy appends the address it
    received the request from, so addresses left of the first untrusted one may be made up by the client).
    When every address is a trusted proxy, the left-most is the client; a malformed entry ends the walk at the
    last proxy that vouched for it."""
    address = request.META.get("REMOTE_ADDR") or None
    if not in_networks(address, settings.TRUSTED_PROXIES):
        return address
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        ip = _ip(hop)
        if ip is None:
            break
        address = str(ip)
        if not in_networks(address, settings.TRUSTED_PROXIES):
            break
    return address
