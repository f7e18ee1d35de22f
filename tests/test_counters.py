"""The check-in limits' counters, on both caches they run on: locmem (one process) and Redis (production)."""

import os
import threading
import time

import pytest
from django.core.cache import caches

from attendance_system import counters
from tests.layers import REDIS_URL, require_redis


@pytest.fixture(params=["locmem", "redis"])
def backend(request, settings):
    if request.param == "redis":
        require_redis()
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": f"test-counters-{os.getpid()}",
            }
        }
    yield request.param
    caches["default"].delete_many(["a", "b", "c"])


def test_a_counter_begins_at_its_start_and_counts_up(backend):
    assert counters.count({"a": (60, 0), "b": (60, 3)}) == [1, 4]
    assert counters.count({"a": (60, 0), "b": (60, 3)}) == [2, 5]


def test_a_counter_starts_again_when_its_window_ends(backend):
    assert counters.count({"a": (1, 0)}) == [1]
    time.sleep(1.1)
    assert counters.count({"a": (1, 0)}) == [1]


def test_simultaneous_counts_each_get_their_own_number(backend):
    results = []
    barrier = threading.Barrier(30)

    def take():
        barrier.wait()
        results.extend(counters.count({"a": (60, 0)}))

    threads = [threading.Thread(target=take) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == list(range(1, 31))


def test_giving_back_takes_one_count_off_only_counters_that_exist(backend):
    counters.count({"a": (60, 0)})
    counters.count({"a": (60, 0)})
    counters.give_back(["a", "c"])
    assert caches["default"].get("a") == 1
    assert caches["default"].get("c") is None


def test_a_restarted_counter_counts_from_zero_whatever_its_start(backend):
    counters.count({"a": (60, 4)})
    counters.restart("a", 60)
    assert counters.count({"a": (60, 4)}) == [1]


def test_a_window_ending_between_the_two_steps_opens_a_new_one(settings, monkeypatch):
    cache = caches["default"]
    incr = cache.incr
    calls = []

    def incr_after_the_window_ended(key, delta=1, version=None):
        calls.append(key)
        if len(calls) == 1:
            cache.delete(key)
        return incr(key, delta, version)

    monkeypatch.setattr(cache, "incr", incr_after_the_window_ended)
    assert counters.count({"a": (60, 0)}) == [1]
    assert len(calls) == 2
