"""The bench's database and people: built through the app's models and `services.session_open`, in this process.

A scene is a list of classes, one dict each: `session_id`, `code`, `teacher` (a session cookie) and `students`,
a list of (student number, session cookie). The load generator in `bench/load.py` reads only that shape, so the
floor's scene (`floor_scene`) has it too.
"""

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# BENCH_DATABASE names another, so that two people benching on one machine do not drop each other's.
DATABASE = os.environ.get("BENCH_DATABASE", "attendance_bench")
DATABASE_URL = f"{PG}/{DATABASE}"
ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DEBUG": "False",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "False",
    "LOG_LEVEL": "WARNING",
    # Every simulated student comes from 127.0.0.1, and runs follow each other within the limit's minute.
    "CHECKIN_RATE_PER_ADDRESS": "1000000",
}
FLOOR_TABLE = "bench_floor_checkin"


def fresh_database(static_root):
    """`DATABASE` made anew and migrated, with the floor's one table beside the app's."""
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    env = {**ENV, "STATIC_ROOT": static_root}
    for command in (["migrate", "-v0"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        # The same uniqueness the app's records have: one check-in per student and session.
        connection.execute(
            f"CREATE TABLE {FLOOR_TABLE} (id bigserial PRIMARY KEY, session_id integer NOT NULL, "
            "student text NOT NULL, submitted_at timestamptz NOT NULL DEFAULT now(), UNIQUE (session_id, student))"
        )


def setup_django():
    os.environ.update(ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "attendance_system.settings"
    import django

    django.setup()


def _login(user):
    """A session cookie for `user`, written directly so that password hashing is not what is timed."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def build_scene(student_count, class_count):
    """`class_count` courses sharing the students out evenly, each with its teacher and an open session."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Institution, Role, User
    from courses.models import Course, Enrollment

    institution = Institution.objects.first_or_create()
    students = User.objects.bulk_create(
        User(
            institution=institution,
            email=f"s{n}@bench.test",
            first_name="S",
            last_name=str(n),
            role=Role.STUDENT,
            student_number=f"B{n:05d}",
            password=make_password(None),  # unusable: they never log in with a password
        )
        for n in range(student_count)
    )
    cookies = {s.pk: _login(s) for s in students}
    scene = []
    for index in range(class_count):
        teacher = User.objects.create_user(
            f"teacher{index}@bench.test", role=Role.TEACHER, first_name="T", last_name=str(index)
        )
        # Not auto-validated, so "Validate all pending" has every check-in to validate; a fixed code.
        course = Course.objects.create(
            institution=institution,
            code=f"BENCH{index}",
            title=f"Bench {index}",
            code_minutes=60,
            rotate_seconds=0,
            auto_validate=False,
        )
        course.teachers.add(teacher)
        members = students[index::class_count]
        Enrollment.objects.bulk_create(Enrollment(course=course, student=s) for s in members)
        scene.append(
            {
                "course": course,
                "teacher_user": teacher,
                "teacher": _login(teacher),
                "students": [(s.student_number, cookies[s.pk]) for s in members],
            }
        )
    return open_sessions(scene)


def open_sessions(scene):
    """A fresh session opened for each class, through the app's service; the scene with their ids and codes."""
    from django.utils import timezone

    from attendance import services
    from courses.models import ClassSession

    opened = []
    for item in scene:
        now = timezone.now()
        session = ClassSession.objects.create(course=item["course"], starts_at=now, ends_at=now + timedelta(hours=2))
        code = services.session_open(session=session, by=item["teacher_user"])
        opened.append({**item, "session_id": session.pk, "code": code.code})
    return opened


def stored_numbers(scene):
    """Student numbers with a record in the scene's sessions."""
    from attendance.models import AttendanceRecord

    records = AttendanceRecord.objects.filter(session_id__in=[item["session_id"] for item in scene])
    return set(records.values_list("student__student_number", flat=True))


def floor_sessions(scene):
    """A function that gives, at each call, the same classes and students for the floor on sessions not used yet.

    For the floor, the cookie is the student number and the code the session id.
    """
    used = 0

    def fresh():
        nonlocal used
        used += len(scene)
        return [
            {
                "session_id": used - len(scene) + index + 1,
                "code": str(used - len(scene) + index + 1),
                "teacher": "floor",
                "students": [(number, number) for number, _cookie in item["students"]],
            }
            for index, item in enumerate(scene)
        ]

    return fresh


def floor_stored_numbers(scene):
    """Student numbers with a row in the floor's table for the scene's sessions."""
    with psycopg.connect(DATABASE_URL) as connection:
        rows = connection.execute(
            f"SELECT student FROM {FLOOR_TABLE} WHERE session_id = ANY(%s)",  # noqa: S608
            ([item["session_id"] for item in scene],),
        )
        return {row[0] for row in rows}
