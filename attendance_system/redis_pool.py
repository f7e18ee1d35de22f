"""One Redis connection pool per address for the whole process.

Django makes a cache client, and with it a connection pool, per thread; under daphne every request runs in a
thread of its own, so each request opened a new Redis connection for its session and its rate limit. This
pool class hands every client the same pool (redis-py's pools are thread-safe).
"""

import threading

import redis

_pools = {}
_lock = threading.Lock()


class ProcessConnectionPool(redis.ConnectionPool):
    @classmethod
    def from_url(cls, url, **kwargs):
        key = (url, tuple(sorted(kwargs.items())))
        with _lock:
            if key not in _pools:
                _pools[key] = super().from_url(url, **kwargs)
            return _pools[key]
