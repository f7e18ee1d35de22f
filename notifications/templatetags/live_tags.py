"""A page names the live regions it shows as it renders them; its personal socket then asks only for those.

`{% live_region "checkin" %}`, `{% live_region "session" session.pk %}` or `{% live_region "grades" child.pk %}`
where a region is rendered, and `{% live_socket_url %}` once, after the content (base.html), for the socket's address.
"""

from urllib.parse import urlencode

from django import template

from notifications.live import keyed_region

register = template.Library()


def _regions(context):
    request = context.get("request")
    if request is None:
        return []
    if not hasattr(request, "live_regions"):
        request.live_regions = []
    return request.live_regions


@register.simple_tag(takes_context=True)
def live_region(context, name, key=""):
    token = keyed_region(name, key) if key != "" else name
    regions = _regions(context)
    if token not in regions:
        regions.append(token)
    return ""


@register.simple_tag(takes_context=True)
def live_socket_url(context):
    regions = _regions(context)
    return "/ws/me/" + (f"?{urlencode({'regions': ','.join(regions)}, safe=',')}" if regions else "")
