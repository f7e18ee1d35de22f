"""Real servers for the live tests: daphne processes on free ports, sharing the test database (and Redis when
REDIS_URL is set), as in production."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

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


def _wait_for(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited with {process.returncode}: {process.stderr.read()}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"daphne did not listen on port {port} within {timeout} s")


@contextmanager
def daphne(port=None, **extra_env):
    """A daphne process serving the project; yields its base URL."""
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
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "attendance_system.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
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
