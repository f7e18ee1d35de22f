"""Burst of code check-ins against two daphne processes sharing Redis and PostgreSQL.

    .venv/bin/python bench/checkin_burst.py [--students 300] [--seconds 10]

S students, logged in beforehand (their sessions are written directly, so password hashing is not what is
timed), submit the live code through the real check-in URL, spread evenly over T seconds and alternating
between the two processes, while a teacher's socket on the first process listens. The last line printed is
JSON: submit and push latencies (p50/p99 ms; push is from the start of a submission to the teacher's frame
with its row), lost (a success the teacher never saw, or a success not in the database), errors, throughput.
It uses its own database, `attendance_bench`, made anew at each run.
"""

import argparse
import asyncio
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
import psycopg
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
PG = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
DATABASE_URL = f"{PG}/attendance_bench"
SECRET_KEY = secrets.token_urlsafe(50)
ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "SECRET_KEY": SECRET_KEY,
    "DEBUG": "False",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "False",
    "LOG_LEVEL": "WARNING",
    # Every simulated student comes from 127.0.0.1, and runs follow each other within the limit's minute.
    "CHECKIN_RATE_PER_ADDRESS": "1000000",
}


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 1)


def fresh_database(static_root):
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS attendance_bench WITH (FORCE)")
        connection.execute("CREATE DATABASE attendance_bench")
    env = {**ENV, "STATIC_ROOT": static_root}
    for command in (["migrate", "-v0"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)


def build_scene(student_count):
    """A course with its teacher and students, an open session with a live code, and a login per person."""
    os.environ.update(ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "attendance_system.settings"
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from accounts.models import Role, User
    from attendance import services
    from courses.models import ClassSession, Course, Enrollment

    def login(user):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    teacher = User.objects.create_user("teacher@bench.test", role=Role.TEACHER, first_name="T", last_name="B")
    students = User.objects.bulk_create(
        User(
            email=f"s{n}@bench.test",
            first_name="S",
            last_name=str(n),
            role=Role.STUDENT,
            student_number=f"B{n:05d}",
            password=make_password(None),  # unusable: they never log in with a password
        )
        for n in range(student_count)
    )
    course = Course.objects.create(code="BENCH", title="Bench", code_minutes=60)
    course.teachers.add(teacher)
    Enrollment.objects.bulk_create(Enrollment(course=course, student=s) for s in students)
    now = timezone.now()
    session = ClassSession.objects.create(course=course, starts_at=now, ends_at=now + timedelta(hours=2))
    code = services.session_open(session=session, by=teacher)
    return {
        "session_id": session.pk,
        "code": code.code,
        "teacher": login(teacher),
        "students": [(s.student_number, login(s)) for s in students],
    }


def records_in_database(session_id):
    from attendance.models import AttendanceRecord

    return set(AttendanceRecord.objects.filter(session_id=session_id).values_list("student__student_number", flat=True))


def start_daphne(port, static_root):
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "attendance_system.asgi:application"],
        cwd=ROOT,
        env={**ENV, "STATIC_ROOT": static_root},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"daphne on port {port} did not start: {process.stderr.read()}")


async def listen(url, cookie, seen, ready):
    headers = {"Cookie": f"sessionid={cookie}", "Origin": url.replace("ws://", "http://").split("/ws/")[0]}
    async with websockets.connect(url, additional_headers=headers, max_size=None) as socket:
        ready.set()
        async for frame in socket:
            now = time.perf_counter()
            for number in re.findall(r'<td class="font-monospace">([^<]+)</td>', frame):
                seen.setdefault(number, now)


def _reason(html):
    """The field error a refused check-in shows, to tell refusals apart in the report."""
    match = re.search(r'class="invalid-feedback"[^>]*>\s*(?:<strong>)?([^<]+)', html)
    return match.group(1).strip() if match else html[:80]


async def submit(client, number, cookie, code, delay, results):
    await asyncio.sleep(delay)
    token = secrets.token_hex(16)  # 32 characters: Django accepts the bare secret as the form token
    started = time.perf_counter()
    try:
        response = await client.post(
            "/checkin/",
            data={"code": code, "csrfmiddlewaretoken": token},
            # As the code box on the student's dashboard sends it.
            headers={"Cookie": f"sessionid={cookie}; csrftoken={token}", "HX-Request": "true"},
        )
        ok = response.status_code == 200 and "Check-in received." in response.text
        error = None if ok else f"{response.status_code} {_reason(response.text)}"
    except httpx.HTTPError as exc:
        ok, error = False, type(exc).__name__
    results.append({"number": number, "started": started, "ended": time.perf_counter(), "ok": ok, "error": error})


async def burst(scene, ports, seconds):
    seen, results, ready = {}, [], asyncio.Event()
    ws_url = f"ws://127.0.0.1:{ports[0]}/ws/sessions/{scene['session_id']}/"
    listener = asyncio.create_task(listen(ws_url, scene["teacher"], seen, ready))
    await asyncio.wait_for(ready.wait(), 10)
    limits = httpx.Limits(max_connections=200)
    clients = [httpx.AsyncClient(base_url=f"http://127.0.0.1:{p}", timeout=30, limits=limits) for p in ports]
    students = scene["students"]
    spacing = seconds / len(students)
    await asyncio.gather(
        *(
            submit(clients[i % 2], number, cookie, scene["code"], i * spacing, results)
            for i, (number, cookie) in enumerate(students)
        )
    )
    deadline = time.perf_counter() + 5
    successes = {r["number"] for r in results if r["ok"]}
    while time.perf_counter() < deadline and not successes <= set(seen):
        await asyncio.sleep(0.05)
    listener.cancel()
    for client in clients:
        await client.aclose()
    return results, seen


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--layer", choices=["pubsub", "core"], default="pubsub", help="channels_redis layer")
    args = parser.parse_args()
    ENV["REDIS_CHANNEL_LAYER"] = args.layer

    static_root = tempfile.mkdtemp(prefix="bench-static-")
    fresh_database(static_root)
    scene = build_scene(args.students)
    from tests.live import free_port

    ports = [free_port(), free_port()]
    processes = [start_daphne(port, static_root) for port in ports]
    try:
        results, seen = asyncio.run(burst(scene, ports, args.seconds))
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
    stored = records_in_database(scene["session_id"])
    successes = [r for r in results if r["ok"]]
    submit_ms = [(r["ended"] - r["started"]) * 1000 for r in results]
    push_ms = [(seen[r["number"]] - r["started"]) * 1000 for r in successes if r["number"] in seen]
    lost = sum(1 for r in successes if r["number"] not in seen or r["number"] not in stored)
    span = max(r["ended"] for r in results) - min(r["started"] for r in results)
    errors = [r["error"] for r in results if not r["ok"]]
    summary = {
        "layer": args.layer,
        "students": args.students,
        "seconds": args.seconds,
        "submit_p50_ms": percentile(submit_ms, 0.5),
        "submit_p99_ms": percentile(submit_ms, 0.99),
        "push_p50_ms": percentile(push_ms, 0.5),
        "push_p99_ms": percentile(push_ms, 0.99),
        "lost": lost,
        "errors": len(errors),
        "throughput_per_s": round(len(successes) / span, 1),
    }
    if errors:
        print("errors:", statistics.multimode(errors))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
