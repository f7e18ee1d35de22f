"""A WebSocket handshake is let in only from a page of this site: the Origin must match the scheme, host and
port the browser reached (as Django checks a POST's Origin), or be one of CSRF_TRUSTED_ORIGINS."""

import pytest
from channels.testing import WebsocketCommunicator

from attendance_system.asgi import application
from tests.live import session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cookie(cast, settings):
    settings.ALLOWED_HOSTS = ["school.example", "127.0.0.1"]
    return session_cookie(cast.student)


async def handshake(cookie, host, origin=None, **headers):
    sent = [(b"host", host.encode()), (b"cookie", f"sessionid={cookie}".encode())]
    if origin is not None:
        sent.append((b"origin", origin.encode()))
    sent += [(name.replace("_", "-").encode(), value.encode()) for name, value in headers.items()]
    socket = WebsocketCommunicator(application, "/ws/me/", headers=sent)
    connected, _ = await socket.connect()
    if connected:
        await socket.disconnect()
    return connected


@pytest.mark.parametrize(
    ("host", "origin"),
    [("127.0.0.1:8000", "http://127.0.0.1:8000"), ("school.example", "http://school.example")],
)
async def test_a_page_of_the_site_connects(cookie, host, origin):
    assert await handshake(cookie, host, origin)


@pytest.mark.parametrize(
    ("host", "origin"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:9999"),  # another port: what the review found accepted
        ("127.0.0.1:8000", "https://127.0.0.1:8000"),  # another scheme
        ("127.0.0.1:8000", "http://evil.example:8000"),  # another host
        ("school.example", "http://school.example.evil.example"),
        ("school.example", "null"),
        ("school.example", None),  # no Origin at all
        ("evil.example", "http://evil.example"),  # the same, but not one of ALLOWED_HOSTS
    ],
)
async def test_any_other_origin_is_refused(cookie, host, origin):
    assert not await handshake(cookie, host, origin)


async def test_behind_a_tls_proxy_the_scheme_is_the_proxys_when_it_is_trusted(cookie, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert await handshake(cookie, "school.example", "https://school.example", x_forwarded_proto="https")
    assert not await handshake(cookie, "school.example", "http://school.example", x_forwarded_proto="https")
    assert not await handshake(cookie, "school.example", "https://school.example", x_forwarded_proto="http")


async def test_without_a_trusted_proxy_header_a_forwarded_scheme_is_ignored(cookie):
    assert not await handshake(cookie, "school.example", "https://school.example", x_forwarded_proto="https")


async def test_an_origin_of_csrf_trusted_origins_connects(cookie, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://attendance.school.example", "https://*.campus.example"]
    assert await handshake(cookie, "school.example", "https://attendance.school.example")
    assert await handshake(cookie, "school.example", "https://north.campus.example")
    assert not await handshake(cookie, "school.example", "http://north.campus.example")
