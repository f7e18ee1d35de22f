"""Counters with a time window, kept in the cache every process shares (Redis in production), for the check-in
and login limits: each count is taken in one atomic step, so a limit holds however many requests arrive at once, and the
counts of one request travel in one round trip.

Redis counts with SET NX and INCR in one MULTI/EXEC; the in-process cache (locmem, the single-process run and the
tests) counts with `add` and `incr`, each atomic under its lock. Other cache backends' `incr` is not atomic.
"""

import logging
from contextlib import suppress

import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# Decrements only a counter that still exists: one gone (expired, or restarted) is not brought back below zero
# and without a window.
GIVE_BACK_SCRIPT = (
    "for _, key in ipairs(KEYS) do if redis.call('EXISTS', key) == 1 then redis.call('DECR', key) end end"
)


def count(windows: dict[str, tuple[int, int]]) -> list[int]:
    """Add one to each counter and return the new values, in the order of `windows`. `windows` maps a key to
    (seconds, start): a counter that does not exist yet begins at `start` and lasts `seconds`."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        pipeline = _redis(cache).pipeline()  # a transaction: no other client's command runs in between
        for key, (seconds, start) in windows.items():
            key = cache.make_and_validate_key(key)
            pipeline.set(key, start, ex=seconds, nx=True)
            pipeline.incr(key)
        try:
            return pipeline.execute()[1::2]
        except (redis.ConnectionError, redis.TimeoutError) as error:
            # As the cache does while Redis is down (attendance_system.redis_pool): nothing is counted, so the
            # limits are not applied until it is back; what the database keeps (a session's lockout) still holds.
            logger.warning("Counting failed, Redis is unreachable: %s", error)
            return [start for _seconds, start in windows.values()]
    return [_count_one(cache, key, seconds, start) for key, (seconds, start) in windows.items()]


def give_back(keys) -> None:
    """Take back one count of each counter, of those that still exist."""
    keys = list(keys)
    if not keys:
        return
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = _redis(cache)
        try:
            client.eval(GIVE_BACK_SCRIPT, len(keys), *[cache.make_and_validate_key(key) for key in keys])
        except (redis.ConnectionError, redis.TimeoutError) as error:
            logger.warning("Giving back counts failed, Redis is unreachable: %s", error)
        return
    for key in keys:
        with suppress(ValueError):  # expired: nothing left to give back to
            cache.decr(key)


def restart(key: str, seconds: int) -> None:
    """Set a counter back to zero for a new window."""
    caches["default"].set(key, 0, timeout=seconds)


def _count_one(cache, key, seconds, start):
    while True:
        cache.add(key, start, timeout=seconds)
        try:
            return cache.incr(key)
        except ValueError:
            continue  # the window ended between the two steps: open a new one


def _redis(cache):
    # Django's Redis cache has no public way to reach its client; this is the one it uses itself.
    return cache._cache.get_client(write=True)
