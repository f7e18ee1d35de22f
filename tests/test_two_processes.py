"""Two daphne processes sharing Redis and the database behave as one: a teacher's socket on one process gets
a check-in submitted through the other, within a second."""

import re
import time
from datetime import timedelta

import httpx
import pytest
import websockets
from django.utils import timezone

from accounts.tests.factories import StudentFactory, TeacherFactory
from attendance import services
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from tests.layers import REDIS_URL, require_redis
from tests.live import daphne, session_cookie

pytestmark = pytest.mark.redis


@pytest.fixture
def scene(transactional_db):
    require_redis()
    teacher, student = TeacherFactory(), StudentFactory()
    course = CourseFactory(teachers=[teacher])
    EnrollmentFactory(course=course, student=student)
    now = timezone.now()
    session = ClassSessionFactory(course=course, starts_at=now, ends_at=now + timedelta(hours=1))
    code = services.session_open(session=session, by=teacher)
    return {
        "session": session,
        "code": code.code,
        "teacher_cookie": session_cookie(teacher),
        "student_cookie": session_cookie(student),
    }


@pytest.fixture
def two_servers(scene):
    with daphne(REDIS_URL=REDIS_URL) as first, daphne(REDIS_URL=REDIS_URL) as second:
        yield first, second


async def test_a_check_in_on_one_process_reaches_a_teacher_on_the_other(scene, two_servers):
    teacher_server, student_server = two_servers
    ws_url = teacher_server.replace("http", "ws") + f"/ws/sessions/{scene['session'].pk}/"
    headers = {"Cookie": f"sessionid={scene['teacher_cookie']}", "Origin": teacher_server}
    async with (
        websockets.connect(ws_url, additional_headers=headers) as socket,
        httpx.AsyncClient(base_url=student_server, cookies={"sessionid": scene["student_cookie"]}) as http,
    ):
        form = await http.get("/checkin/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        started = time.monotonic()
        response = await http.post("/checkin/", data={"code": scene["code"], "csrfmiddlewaretoken": token})
        assert "Check-in received." in response.text
        frame = await socket.recv(decode=True)
        elapsed = time.monotonic() - started
    assert 'hx-swap-oob="afterbegin:#checkins"' in frame
    assert elapsed < 1.0, f"the event took {elapsed:.3f} s"
