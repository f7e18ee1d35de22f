"""The floor: the least a check-in can cost on this stack, served by daphne like the app.

    python -m daphne -b 127.0.0.1 -p PORT bench.floor:app   (with FLOOR_DATABASE_URL and REDIS_URL set)

A raw ASGI callable, no Django. `POST /checkin/` takes the student from the `sessionid` cookie and the session from
the `code` field (the floor's scene makes them so), does one INSERT into PostgreSQL through a psycopg async pool
and one Redis PUBLISH of a row like the app's, and answers "Check-in received.". `/ws/sessions/<id>/` forwards
that session's publishes. So the bench's load generator and its push measurement run unchanged against it.
"""

import asyncio
import html
import os
import re
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

import psycopg
import redis.asyncio as redis
from psycopg_pool import AsyncConnectionPool

TABLE = "bench_floor_checkin"
# As the app's pool: settings.py gives each daphne process a pool of at most 20 connections.
POOL_MAX_SIZE = 20
_clients = {}
_lock = asyncio.Lock()


async def _connections():
    """The process's database pool and Redis client, made on first use inside daphne's event loop."""
    async with _lock:
        if not _clients:
            pool = AsyncConnectionPool(os.environ["FLOOR_DATABASE_URL"], min_size=2, max_size=POOL_MAX_SIZE, open=False)
            await pool.open()
            _clients["pool"] = pool
            _clients["redis"] = redis.Redis.from_url(os.environ["REDIS_URL"])
    return _clients["pool"], _clients["redis"]


def channel(session_id):
    return f"floor.session.{session_id}"


async def _respond(send, status, text):
    body = text.encode()
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive):
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


def _cookie(scope, name):
    cookies = SimpleCookie()
    for key, value in scope["headers"]:
        if key == b"cookie":
            cookies.load(value.decode("latin-1"))
    return cookies[name].value if name in cookies else None


async def _checkin(scope, receive, send):
    form = parse_qs((await _read_body(receive)).decode())
    student = _cookie(scope, "sessionid")
    code = form.get("code", [""])[0]
    if not student or not code.isdigit():
        await _respond(send, 400, "A code and a sessionid cookie, please.")
        return
    pool, client = await _connections()
    try:
        async with pool.connection() as connection:
            await connection.execute(f"INSERT INTO {TABLE} (session_id, student) VALUES (%s, %s)", (int(code), student))  # noqa: S608
    except psycopg.errors.UniqueViolation:
        await _respond(send, 200, "You have already checked in.")
        return
    await client.publish(channel(code), f'<tr><td class="font-monospace">{html.escape(student)}</td></tr>')
    await _respond(send, 200, '<div class="alert alert-success">Check-in received.</div>')


async def _session_socket(scope, receive, send):
    await receive()  # websocket.connect
    match = re.fullmatch(r"/ws/sessions/(\d+)/", scope["path"])
    if not match:
        await send({"type": "websocket.close"})
        return
    _pool, client = await _connections()
    pubsub = client.pubsub()
    await pubsub.subscribe(channel(match.group(1)))
    await send({"type": "websocket.accept"})

    async def forward():
        async for item in pubsub.listen():
            if item["type"] == "message":
                await send({"type": "websocket.send", "text": item["data"].decode()})

    forwarding = asyncio.create_task(forward())
    try:
        while (await receive())["type"] != "websocket.disconnect":
            pass  # listeners only
    finally:
        forwarding.cancel()
        await pubsub.aclose()


async def app(scope, receive, send):
    if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == "/checkin/":
        await _checkin(scope, receive, send)
    elif scope["type"] == "http":
        await _respond(send, 404, "Not found.")
    elif scope["type"] == "websocket":
        await _session_socket(scope, receive, send)
