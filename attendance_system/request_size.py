"""Request bodies larger than REQUEST_MAX_BYTES are answered without being read.

Daphne (Twisted underneath) takes in a whole body and queues all of it for the application before the
application starts, and Django's ASGI handler copies the body again before any middleware runs. The proxy in
front (client_max_body_size in deploy/nginx.conf.template, set from the same variable) is what stops a large
body at the door; here the application reads no more than the limit whatever is in front of it:
- a request that declares a larger body reaches Django with none, and the middleware answers it with a
  message saying what the limit is (back on the form it came from, or a page of its own);
- a body sent without a declared length (chunked) ends at the limit; Django reads no form from such a body.
The proxy, when it refuses a body, passes the request on without it, naming the length it refused in
X-Refused-Content-Length, so that the answer is the same whichever refused it.
"""

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.decorators import sync_and_async_middleware
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

END_OF_BODY = {"type": "http.request", "body": b"", "more_body": False}


def too_large(content_length):
    """Whether a declared Content-Length (a header's text or bytes, or None) is over the limit."""
    try:
        return int(content_length) > settings.REQUEST_MAX_BYTES
    except (TypeError, ValueError):
        return False


async def _next_but_body(receive):
    """The next message that is not part of the body (a disconnect): the body's chunks are dropped unread."""
    while (message := await receive())["type"] == "http.request":
        pass
    return message


def _without_body(receive):
    ended = False

    async def receive_nothing():
        nonlocal ended
        if ended:
            return await _next_but_body(receive)
        ended = True
        return END_OF_BODY

    return receive_nothing


def _cut_at_limit(receive):
    taken = 0

    async def receive_up_to_the_limit():
        nonlocal taken
        if taken > settings.REQUEST_MAX_BYTES:
            return await _next_but_body(receive)
        message = await receive()
        if message["type"] == "http.request":
            taken += len(message.get("body", b""))
            if taken > settings.REQUEST_MAX_BYTES:
                return END_OF_BODY
        return message

    return receive_up_to_the_limit


class RequestSizeLimit:
    """ASGI middleware in front of Django's HTTP handler (attendance_system/asgi.py)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            content_length = dict(scope["headers"]).get(b"content-length")
            if too_large(content_length):
                receive = _without_body(receive)
            elif content_length is None:
                receive = _cut_at_limit(receive)
        return await self.app(scope, receive, send)


def _refused(request):
    return "X-Refused-Content-Length" in request.headers or too_large(request.META.get("CONTENT_LENGTH"))


def _refuse(request):
    message = _(
        "Nothing was saved: what you sent is larger than %(size)s, the most this site accepts at once. "
        "Choose a smaller file and send the form again."
    ) % {"size": filesizeformat(settings.REQUEST_MAX_BYTES)}
    # Back on the page of the form, with the message above it; a page from another site gets no redirect.
    back = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        messages.error(request, message)
        return redirect(back)
    return render(request, "request_too_large.html", {"message": message}, status=413)


@sync_and_async_middleware
def request_size_middleware(get_response):
    """Answers a request whose declared body is over the limit, or whose body the proxy refused, before
    anything reads its body or its form (the CSRF check included: nothing is read, nothing changes)."""
    if iscoroutinefunction(get_response):

        async def middleware(request):
            if _refused(request):
                return await sync_to_async(_refuse)(request)
            return await get_response(request)

    else:

        def middleware(request):
            if _refused(request):
                return _refuse(request)
            return get_response(request)

    return middleware
