"""Every thread's cache client shares one Redis connection pool (daphne runs each request in a new thread), and
the cache fails open: with Redis down, requests go on."""

import threading

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse

from accounts.tests.factories import StudentFactory
from attendance.models import AttendanceRecord
from attendance_system import counters
from attendance_system.redis_pool import FailOpenRedisCache
from courses.tests.factories import EnrollmentFactory
from tests.layers import REDIS_URL, require_redis
from tests.live import free_port


@pytest.mark.redis
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


@pytest.mark.redis
def test_cache_clients_of_two_threads_use_one_redis_client():
    """Django would make a redis-py client at every call (a fifth of a millisecond each, four a check-in)."""
    require_redis()
    clients = []

    def use_cache():
        cache = FailOpenRedisCache(
            REDIS_URL, {"OPTIONS": {"pool_class": "attendance_system.redis_pool.ProcessConnectionPool"}}
        )
        cache.set("client-test", 1)
        clients.extend([cache._cache.get_client(write=True), cache._cache.get_client("client-test")])

    threads = [threading.Thread(target=use_cache) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(client) for client in clients}) == 1


def dead_cache_settings():
    """The project's cache pointed at a port where no Redis listens."""
    return {
        "default": {
            "BACKEND": "attendance_system.redis_pool.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"pool_class": "attendance_system.redis_pool.ProcessConnectionPool"},
        }
    }


def test_a_cache_whose_redis_is_down_acts_as_an_empty_one(settings, caplog):
    settings.CACHES = dead_cache_settings()
    assert cache.get("key", "default") == "default"
    cache.set("key", 1)
    assert cache.add("key", 1) is False
    assert cache.incr("counter") == 0
    assert cache.get_many(["a", "b"]) == {}
    cache.delete("key")
    assert "Redis is unreachable" in caplog.text


@pytest.mark.django_db
def test_a_check_in_succeeds_while_the_cache_is_down(settings, client, cast, live):
    session, code = live
    settings.CACHES = dead_cache_settings()
    student = StudentFactory()
    EnrollmentFactory(course=cast.course, student=student)
    client.force_login(student)
    response = client.post(reverse("attendance:checkin"), {"code": code.code}, headers={"HX-Request": "true"})
    assert "Check-in received." in response.content.decode()
    assert AttendanceRecord.objects.filter(session=session, student=student).exists()


def test_counters_count_nothing_while_redis_is_down(settings, caplog):
    settings.CACHES = dead_cache_settings()
    assert counters.count({"a": (60, 0), "b": (60, 3)}) == [0, 3]
    counters.give_back(["a"])
    assert "Redis is unreachable" in caplog.text


@pytest.mark.django_db
def test_a_login_succeeds_while_the_cache_is_down(settings, client):
    settings.CACHES = dead_cache_settings()
    user = StudentFactory(password="a-long-pass-2026")
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": "a-long-pass-2026"})
    assert response.status_code == 302
