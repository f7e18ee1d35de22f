"""Every thread's cache client shares one Redis connection pool (daphne runs each request in a new thread)."""

import threading

import pytest
from django.core.cache.backends.redis import RedisCache

from tests.layers import REDIS_URL, require_redis

pytestmark = pytest.mark.redis


def test_cache_clients_of_two_threads_use_one_pool():
    require_redis()
    pools = []

    def use_cache():
        cache = RedisCache(REDIS_URL, {"OPTIONS": {"pool_class": "attendance_system.redis_pool.ProcessConnectionPool"}})
        cache.set("pool-test", 1)
        pools.append(cache._cache._get_connection_pool(write=True))

    threads = [threading.Thread(target=use_cache) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert pools[0] is pools[1]
