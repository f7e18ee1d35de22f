"""Real servers for the live tests: daphne processes on free ports, sharing the test database (and Redis when
REDIS_URL is set), as in production."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    """The URL of the test database pytest-django made, for processes outside this one."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(port, process, log, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"daphne exited with {process.returncode}: {log.read()}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"daphne did not listen on port {port} within {timeout} s")


class Server(str):
    """A server's base URL, with its process (for a drill that kills it)."""

    process = None


@contextmanager
def daphne(port=None, **extra_env):
    """A daphne process serving the project; yields its base URL (a `Server`)."""
    port = port or free_port()
    env = {
        **os.environ,
        "DEBUG": "True",  # static files from the finders, no collectstatic needed
        "SECURE_SSL_REDIRECT": "False",
        "DATABASE_URL": database_url(),
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": settings.SECRET_KEY,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **extra_env,
    }
    # A file, not a pipe: a server that logs much (Redis down) would block once a pipe nobody reads is full.
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "attendance_system.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            _wait_for(port, process, log)
            server = Server(f"http://127.0.0.1:{port}")
            server.process = process
            yield server
        finally:
            stop(process)


def stop(process):
    """End a server process, by force if it does not stop within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def session_cookie(user):
    """The session cookie of `user`, logged in, for a browser or socket outside the test client."""
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


class RedisServer:
    """A Redis server of the test's own on a fixed free port, to stop and start again: the shared one serves
    other work and must never be stopped. Needs Debian's `redis-server` (required when CI is set)."""

    def __init__(self):
        if not shutil.which("redis-server"):
            message = "redis-server is not installed (apt-get install redis-server)"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=1).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server on port {self.port} did not answer within 10 s") from None
                time.sleep(0.1)

    def stop(self):
        if self.process is not None:
            stop(self.process)
            self.process = None


@contextmanager
def private_redis():
    """A started RedisServer, stopped at the end."""
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
