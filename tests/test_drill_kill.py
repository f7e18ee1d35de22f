"""Failure drill: two daphne processes share Redis and PostgreSQL, and one is killed (SIGKILL) in the middle of
a burst of check-ins. Every check-in a student was told succeeded is in the database, the teacher's socket on
the survivor keeps receiving, and a page of the dead process reconnects to the survivor and re-syncs."""

import asyncio
import re
import signal
from datetime import timedelta

import httpx
import pytest
import websockets
from asgiref.sync import sync_to_async
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import StudentFactory, TeacherFactory
from attendance import services
from attendance.models import AttendanceRecord
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from tests.live import daphne, private_redis, session_cookie

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="runs in the PostgreSQL pass: two processes write at once"
    ),
]

STUDENTS = 40
RECEIVED = "Check-in received."


@pytest.fixture
def scene(transactional_db):
    teacher = TeacherFactory()
    course = CourseFactory(teachers=[teacher])
    students = StudentFactory.create_batch(STUDENTS + 2)
    for student in students:
        EnrollmentFactory(course=course, student=student)
    now = timezone.now()
    session = ClassSessionFactory(course=course, starts_at=now, ends_at=now + timedelta(hours=1))
    code = services.session_open(session=session, by=teacher).code
    return {
        "session": session,
        "code": code,
        "teacher_cookie": session_cookie(teacher),
        "students": [(student, session_cookie(student)) for student in students],
    }


def teacher_socket(server, scene):
    url = server.replace("http", "ws") + f"/ws/sessions/{scene['session'].pk}/"
    headers = {"Cookie": f"sessionid={scene['teacher_cookie']}", "Origin": server}
    return websockets.connect(url, additional_headers=headers)


async def ready_student(server, cookie):
    """A student's browser with the check-in form loaded (its CSRF token)."""
    http = httpx.AsyncClient(base_url=server, cookies={"sessionid": cookie}, timeout=10)
    form = await http.get("/checkin/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    return http, token


async def check_in(http, token, code, delay):
    """Whether the student was told their check-in succeeded (a dead server tells nothing)."""
    await asyncio.sleep(delay)
    try:
        response = await http.post("/checkin/", data={"code": code, "csrfmiddlewaretoken": token})
    except httpx.TransportError:
        return False
    finally:
        await http.aclose()
    return RECEIVED in response.text


async def frames_until(socket, needle, timeout=10):
    """Every frame the socket receives until one contains `needle`."""
    frames = []
    async with asyncio.timeout(timeout):
        while not frames or needle not in frames[-1]:
            frames.append(await socket.recv(decode=True))
    return frames


@pytest.fixture
def two_servers(scene):
    """Two daphne processes sharing the test database and a Redis of the test's own (its pub/sub channels are
    not shared with other work on the machine)."""
    with (
        private_redis() as redis_server,
        daphne(REDIS_URL=redis_server.url) as victim,
        daphne(REDIS_URL=redis_server.url) as survivor,
    ):
        yield victim, survivor


async def test_killing_one_process_mid_burst_loses_no_check_in_a_student_was_told_of(scene, two_servers):
    session, code = scene["session"], scene["code"]
    *burst, last, later = scene["students"]
    victim, survivor = two_servers
    async with teacher_socket(survivor, scene) as on_survivor, teacher_socket(victim, scene) as victim_page:
        servers = [victim if i % 2 == 0 else survivor for i in range(len(burst))]
        ready = [await ready_student(server, cookie) for server, (_, cookie) in zip(servers, burst, strict=True)]
        # Check-ins spread over four seconds; the victim is killed as soon as it has answered one.
        checkins = [
            asyncio.create_task(check_in(http, token, code, delay=i * 4 / len(burst)))
            for i, (http, token) in enumerate(ready)
        ]
        on_victim = [task for task, server in zip(checkins, servers, strict=True) if server is victim]
        async with asyncio.timeout(20):
            while not any(task.done() and task.result() for task in on_victim):
                await asyncio.sleep(0.02)
        victim.process.send_signal(signal.SIGKILL)
        told = await asyncio.gather(*checkins)

        # Every check-in a student was told of is stored.
        told_ok = {student.pk for (student, _), ok in zip(burst, told, strict=True) if ok}
        stored = await sync_to_async(set)(
            AttendanceRecord.objects.filter(session=session).values_list("student_id", flat=True)
        )
        assert told_ok <= stored
        # The kill came mid-burst: the victim took some check-ins and failed others; the survivor took all its own.
        on_victim_ids = {s.pk for (s, _), server in zip(burst, servers, strict=True) if server is victim}
        assert told_ok & on_victim_ids and not on_victim_ids <= told_ok
        assert {s.pk for (s, _), server in zip(burst, servers, strict=True) if server is survivor} <= told_ok

        # The teacher's socket on the survivor keeps receiving: a check-in now reaches it.
        student, cookie = last
        http, token = await ready_student(survivor, cookie)
        assert await check_in(http, token, code, delay=0)
        record = await AttendanceRecord.objects.aget(session=session, student=student)
        await frames_until(on_survivor, f'id="record-{record.pk}"')

        # The page of the dead process lost its socket (after the frames it had been sent).
        with pytest.raises(websockets.ConnectionClosed):
            async with asyncio.timeout(5):
                while True:
                    await victim_page.recv()

    # It reconnects to the survivor, re-syncs (htmx re-fetches the live body) and is live again.
    async with teacher_socket(survivor, scene) as reconnected:
        cookies = {"sessionid": scene["teacher_cookie"]}
        async with httpx.AsyncClient(base_url=survivor, cookies=cookies) as http:
            body = await http.get(f"/sessions/{session.pk}/live/", headers={"HX-Request": "true"})
        stored_records = await sync_to_async(list)(AttendanceRecord.objects.filter(session=session))
        for stored_record in stored_records:
            assert f'id="record-{stored_record.pk}"' in body.text
        student, cookie = later
        http, token = await ready_student(survivor, cookie)
        assert await check_in(http, token, code, delay=0)
        record = await AttendanceRecord.objects.aget(session=session, student=student)
        await frames_until(reconnected, f'id="record-{record.pk}"')
