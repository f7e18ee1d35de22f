"""The five-try lockout holds against simultaneous submissions: wrong codes fired at once through two daphne
processes sharing Redis and the database are compared five at most, and a right code that comes after the fifth
wrong one is not recorded."""

import asyncio
import re
from datetime import timedelta

import httpx
import pytest
import redis
from asgiref.sync import sync_to_async
from django.utils import timezone

from accounts.tests.factories import StudentFactory, TeacherFactory
from attendance import services
from attendance.models import AttendanceRecord, CodeLockout
from attendance.selectors import MAX_WRONG_CODES
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from tests.layers import REDIS_URL, require_redis
from tests.live import daphne, session_cookie

pytestmark = pytest.mark.redis

WRONG = "ZZZZZZ"


@pytest.fixture
def scene(transactional_db):
    require_redis()
    student, teacher = StudentFactory(), TeacherFactory()
    course = CourseFactory(teachers=[teacher])
    EnrollmentFactory(course=course, student=student)
    now = timezone.now()
    session = ClassSessionFactory(course=course, starts_at=now, ends_at=now + timedelta(hours=1))
    code = services.session_open(session=session, by=teacher)
    _forget_counts(student)
    yield {
        "student": student,
        "session": session,
        "code": code.code,
        "cookie": session_cookie(student),
        "teacher_cookie": session_cookie(teacher),
    }
    _forget_counts(student)


def _forget_counts(student):
    """Redis outlives the test database, whose ids start again at every run: a count of an earlier run's
    student with the same id would lock this one out."""
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f":1:checkin-*:{student.pk}"):
        client.delete(key)


@pytest.fixture
def two_servers(scene):
    # The student's own rate would refuse most of the burst before its codes are compared, and once a right code
    # is recorded the wrong codes after it count in the hour: both lifted, so that the tries alone say what each
    # answer is.
    env = {"REDIS_URL": REDIS_URL, "CHECKIN_RATE_PER_STUDENT": "1000", "CHECKIN_WRONG_CODES_PER_HOUR": "1000"}
    with daphne(**env) as first, daphne(**env) as second:
        yield first, second


async def _clients(servers, cookie, page="/checkin/"):
    """A logged-in client per server, each with its CSRF token (from `page`)."""
    clients = []
    for server in servers:
        http = httpx.AsyncClient(base_url=server, cookies={"sessionid": cookie}, timeout=60)
        form = await http.get(page)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        clients.append((http, token))
    return clients


async def _submit(client, code):
    http, token = client
    response = await http.post(
        "/checkin/", data={"code": code, "csrfmiddlewaretoken": token}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    return response.text


def _answers(texts):
    """How many answers said 'wrong code, N left', said 'locked', said 'checked in'."""
    wrong = sum(bool(re.search(r"Wrong code\. \d attempts? left\.", text)) for text in texts)
    locked = sum(str(services.LOCKED_MESSAGE) in text for text in texts)
    recorded = sum("Check-in received." in text for text in texts)
    return wrong, locked, recorded


def _failures(scene):
    lockout = CodeLockout.objects.filter(session=scene["session"], student=scene["student"]).first()
    return lockout.failures if lockout else 0


async def test_fifty_wrong_codes_at_once_are_compared_five_at_most_until_the_teacher_unlocks(scene, two_servers):
    clients = await _clients(two_servers, scene["cookie"])
    live_page = f"/sessions/{scene['session'].pk}/live/"
    [(teacher, token)] = await _clients(two_servers[1:], scene["teacher_cookie"], page=live_page)
    try:
        texts = await asyncio.gather(*(_submit(clients[i % 2], WRONG) for i in range(50)))
        wrong, locked, _recorded = _answers(texts)
        # The fifth wrong code compared is answered with the lockout, like every one refused without comparing.
        assert (wrong, locked) == (MAX_WRONG_CODES - 1, 50 - (MAX_WRONG_CODES - 1))
        assert await sync_to_async(_failures)(scene) == MAX_WRONG_CODES
        unlock = f"/sessions/{scene['session'].pk}/unlock/{scene['student'].pk}/"
        assert unlock in (await teacher.get(live_page)).text
        await teacher.post(unlock, data={"csrfmiddlewaretoken": token}, headers={"HX-Request": "true"})
        # The count the other process keeps in Redis started again with the teacher's unlock.
        assert "Wrong code. 4 attempts left." in await _submit(clients[0], WRONG)
    finally:
        for http, _token in [*clients, (teacher, token)]:
            await http.aclose()


async def test_the_right_code_after_the_fifth_wrong_one_is_not_recorded_however_many_are_in_flight(scene, two_servers):
    clients = await _clients(two_servers, scene["cookie"])
    answered, five_answered = [], asyncio.Event()

    async def wrong(index):
        text = await _submit(clients[index % 2], WRONG)
        answered.append(text)
        if len(answered) >= MAX_WRONG_CODES:
            five_answered.set()
        return text

    async def right():
        # The 31st of 40: sent once five wrong codes were answered, while the others are still in flight.
        await five_answered.wait()
        return await _submit(clients[1], scene["code"])

    try:
        texts = await asyncio.gather(*[wrong(i) for i in range(30)], right(), *[wrong(i) for i in range(30, 39)])
    finally:
        for http, _token in clients:
            await http.aclose()
    wrong_answers, locked, recorded = _answers(texts)
    assert recorded == 0
    assert str(services.LOCKED_MESSAGE) in texts[30]
    assert (wrong_answers, locked) == (MAX_WRONG_CODES - 1, 40 - (MAX_WRONG_CODES - 1))
    assert await sync_to_async(_failures)(scene) == MAX_WRONG_CODES
    exists = AttendanceRecord.objects.filter(session=scene["session"], student=scene["student"]).exists
    assert not await sync_to_async(exists)()


async def test_the_right_code_among_wrong_ones_at_once_is_recorded_only_within_the_five_tries(scene, two_servers):
    clients = await _clients(two_servers, scene["cookie"])
    codes = [WRONG] * 30 + [scene["code"]] + [WRONG] * 9
    try:
        texts = await asyncio.gather(*(_submit(clients[i % 2], code) for i, code in enumerate(codes)))
    finally:
        for http, _token in clients:
            await http.aclose()
    wrong_answers, _locked, recorded = _answers(texts)
    failures = await sync_to_async(_failures)(scene)
    exists = AttendanceRecord.objects.filter(session=scene["session"], student=scene["student"]).exists
    assert recorded == await sync_to_async(exists)() == ("Check-in received." in texts[30])
    # Every wrong code compared is written, and five at most were: the right one, recorded or not, was one of
    # the first five compared or was refused unseen (a right code gives its try back, so a sixth wrong one may
    # take it after it).
    assert failures <= MAX_WRONG_CODES
    assert wrong_answers == min(failures, MAX_WRONG_CODES - 1)
