"""One Redis connection pool per address for the whole process, and one client over it.

Django makes a cache client, and with it a connection pool, per thread; under daphne every request runs in a
thread of its own, so each request opened a new Redis connection for its session and its rate limit. This
pool class hands every client the same pool (redis-py's pools are thread-safe). Django also makes a redis-py
client at every cache call (each fills a table of some 170 reply callbacks: 0.2 ms of CPU, four times a
check-in); the cache here keeps one per pool (redis-py's clients are thread-safe too).

And a cache that fails open: Redis down costs the rate limits, never a request.
"""

import functools
import logging
import threading

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)
_pools = {}
_clients = {}
_lock = threading.Lock()


class ProcessConnectionPool(redis.ConnectionPool):
    @classmethod
    def from_url(cls, url, **kwargs):
        key = (url, tuple(sorted(kwargs.items())))
        with _lock:
            if key not in _pools:
                _pools[key] = super().from_url(url, **kwargs)
            return _pools[key]


def _unless_down(fallback):
    """Run the cache operation; if Redis cannot be reached in time, log it and answer `fallback`."""

    def wrap(method):
        @functools.wraps(method)
        def run(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except (redis.ConnectionError, redis.TimeoutError) as error:
                logger.warning("Cache %s failed, Redis is unreachable: %s", method.__name__, error)
                return fallback(*args) if callable(fallback) else fallback

        return run

    return wrap


class FailOpenClient(RedisCacheClient):
    """While Redis is down the cache acts as an empty one that keeps nothing, so that requests go on instead of
    failing: reads miss (sessions are read from the database, `cached_db`), writes are dropped, and counters
    count nothing, so the check-in rate limits are not applied until Redis is back (each session's lockout after
    five wrong codes is kept in the database and still holds). Each failure is logged."""

    add = _unless_down(False)(RedisCacheClient.add)
    get = _unless_down(lambda key, default: default)(RedisCacheClient.get)
    set = _unless_down(None)(RedisCacheClient.set)
    touch = _unless_down(False)(RedisCacheClient.touch)
    delete = _unless_down(False)(RedisCacheClient.delete)
    get_many = _unless_down({})(RedisCacheClient.get_many)
    has_key = _unless_down(False)(RedisCacheClient.has_key)
    incr = _unless_down(0)(RedisCacheClient.incr)
    set_many = _unless_down(None)(RedisCacheClient.set_many)
    delete_many = _unless_down(None)(RedisCacheClient.delete_many)
    clear = _unless_down(False)(RedisCacheClient.clear)

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = _clients.get(pool)
        if client is None:
            client = _clients.setdefault(pool, self._client(connection_pool=pool))
        return client


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache through `FailOpenClient`."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = FailOpenClient
