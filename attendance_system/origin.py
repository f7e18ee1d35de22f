"""The Origin check of WebSocket handshakes: a socket is let in only from a page of this site."""

from channels.security.websocket import WebsocketDenier
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware


class Handshake(HttpRequest):
    """A WebSocket handshake seen as Django sees a request: its headers in META, its scheme from the scope, or
    from the proxy's header where SECURE_PROXY_SSL_HEADER trusts it (daphne puts no scheme in a WebSocket's
    scope; nginx sets X-Forwarded-Proto)."""

    def __init__(self, scope):
        super().__init__()
        self.META = {"SERVER_NAME": "", "SERVER_PORT": ""}
        for name, value in scope.get("headers", []):
            self.META["HTTP_" + name.decode("latin1").upper().replace("-", "_")] = value.decode("latin1")
        self.secure_scope = scope.get("scheme") in ("wss", "https")

    def _get_scheme(self):
        return "https" if self.secure_scope else "http"


def same_origin(scope):
    """Whether the handshake's Origin is this site's: the scheme, host and port the browser reached it by (the
    Host header, which must be in ALLOWED_HOSTS), or one of CSRF_TRUSTED_ORIGINS. This is the rule Django
    applies to the Origin of a POST, so it is left to Django's CSRF middleware to apply."""
    request = Handshake(scope)
    return "HTTP_ORIGIN" in request.META and CsrfViewMiddleware(lambda request: None)._origin_verified(request)


class SameOriginValidator:
    """Refuse a WebSocket handshake from any other origin (channels' AllowedHostsOriginValidator ignores the
    scheme and the port: it let `Origin: http://127.0.0.1:9999` in)."""

    def __init__(self, application):
        self.application = application
        self.denier = WebsocketDenier.as_asgi()

    async def __call__(self, scope, receive, send):
        if same_origin(scope):
            return await self.application(scope, receive, send)
        return await self.denier(scope, receive, send)
