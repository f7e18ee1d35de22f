"""Channel layers for tests: the in-memory one, and Redis when it can be had (required when CI is set)."""

import os

import pytest
import redis
from channels.layers import channel_layers

# The Redis the tests use: the app's own in the PostgreSQL pass; in the SQLite pass (no REDIS_URL) another
# server, so that the two passes can run side by side (scripts/test.sh).
REDIS_URL = os.environ.get("TESTS_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def redis_available():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False
    return True


def require_redis():
    if not redis_available():
        message = f"Redis is not reachable at {REDIS_URL}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def use_layer(settings, kind):
    if kind == "redis":
        require_redis()
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "notifications.layers.PipelinedPubSubChannelLayer",
                "CONFIG": {"hosts": [REDIS_URL], "prefix": f"test{os.getpid()}"},
            }
        }
    else:
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
