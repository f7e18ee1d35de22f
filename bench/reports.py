"""Server time of the report pages and exports for a course of S students and N sessions.

    .venv/bin/python bench/reports.py [--students 300] [--sessions 60] [--repeat 7]

Builds the course in its own PostgreSQL database (`attendance_reports_bench`, made anew at each run), then
times each request through Django's test client (the full middleware stack, in this process, so the figures
are server time without network) and prints one JSON line last with each median in milliseconds.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
NAME = "attendance_reports_bench"


def setup_django():
    os.environ.update(
        DATABASE_URL=f"{PG}/{NAME}",
        DEBUG="False",
        SECRET_KEY="bench-only-" + "x" * 50,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="False",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="attendance_system.settings",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings

    # Timing the views, not the static manifest: plain static storage needs no collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(student_count, session_count):
    import random

    from django.utils import timezone

    from accounts.models import Role, User
    from attendance.models import AttendanceRecord, Status
    from courses.models import ClassSession, Course, Enrollment

    rng = random.Random(1)
    teacher = User.objects.create_user("teacher@bench.test", role=Role.TEACHER)
    course = Course.objects.create(code="BENCH", title="Bench")
    course.teachers.add(teacher)
    students = User.objects.bulk_create(
        User(email=f"s{n}@bench.test", role=Role.STUDENT, student_number=f"B{n:05d}", last_name=f"S{n:05d}")
        for n in range(student_count)
    )
    now = timezone.now()
    Enrollment.objects.bulk_create(
        Enrollment(course=course, student=s, enrolled_on=(now - timedelta(days=400)).date()) for s in students
    )
    sessions = ClassSession.objects.bulk_create(
        ClassSession(
            course=course,
            starts_at=now - timedelta(days=2 * (i + 1)),
            ends_at=now - timedelta(days=2 * (i + 1)) + timedelta(hours=1),
        )
        for i in range(session_count)
    )
    statuses = [Status.PRESENT] * 85 + [Status.LATE] * 7 + [Status.ABSENT] * 6 + [Status.EXCUSED] * 2
    AttendanceRecord.objects.bulk_create(
        (
            AttendanceRecord(session=session, student=student, status=rng.choice(statuses))
            for session in sessions
            for student in students
        ),
        batch_size=5000,
    )
    return teacher, course


def timed(client, url, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            for _chunk in response.streaming_content:
                pass
        assert response.status_code == 200, (url, response.status_code)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--sessions", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {NAME}")
    setup_django()
    from django.test import Client
    from django.urls import reverse

    teacher, course = build(args.students, args.sessions)
    client = Client()
    client.force_login(teacher)
    urls = {
        "course_report_ms": reverse("reports:course_report", args=[course.pk]),
        "register_ms": reverse("reports:course_register", args=[course.pk]),
        "records_csv_ms": reverse("reports:course_export", args=[course.pk, "records", "csv"]),
        "records_xlsx_ms": reverse("reports:course_export", args=[course.pk, "records", "xlsx"]),
        "register_csv_ms": reverse("reports:course_export", args=[course.pk, "register", "csv"]),
        "register_xlsx_ms": reverse("reports:course_export", args=[course.pk, "register", "xlsx"]),
    }
    client.get(urls["course_report_ms"])  # warm the template cache
    result = {"students": args.students, "sessions": args.sessions}
    result.update({key: timed(client, url, args.repeat) for key, url in urls.items()})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
