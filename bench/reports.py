"""Server time of the report pages and exports for a course of S students and N sessions.

    .venv/bin/python bench/reports.py [--students 300] [--sessions 60] [--repeat 7]

Builds the course in its own PostgreSQL database (`attendance_reports_bench`, made anew at each run, then
analysed as autovacuum would), then times each request through Django's test client (the full middleware stack,
in this process, so the figures are server time without network): the median in milliseconds, and for the
exports the rows written per second (a records export has a row per record, a register export a row per
student). The CSV export is then streamed once more under tracemalloc, whole and cut to the first half of the
sessions, for its peak memory: the same for both means it does not grow with the rows. One JSON line comes last.
"""

import argparse
import json
import os
import statistics
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
NAME = "attendance_reports_bench"


def setup_django(name=NAME):
    os.environ.update(
        DATABASE_URL=f"{PG}/{name}",
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

    from accounts.models import Institution, Role, User
    from attendance.models import AttendanceRecord, Status
    from courses.models import ClassSession, Course, Enrollment

    rng = random.Random(1)
    institution = Institution.objects.first_or_create()
    teacher = User.objects.create_user("teacher@bench.test", role=Role.TEACHER)
    course = Course.objects.create(institution=institution, code="BENCH", title="Bench")
    course.teachers.add(teacher)
    students = User.objects.bulk_create(
        User(
            institution=institution,
            email=f"s{n}@bench.test",
            role=Role.STUDENT,
            student_number=f"B{n:05d}",
            last_name=f"S{n:05d}",
        )
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
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return teacher, course, (now - timedelta(days=session_count)).date()


def consume(response):
    """The bytes of a response, streamed or not, read as a client would."""
    if hasattr(response, "streaming_content"):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def timed(client, url, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        consume(response)
        assert response.status_code == 200, (url, response.status_code)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def peak_memory(client, url):
    """(peak bytes allocated while streaming `url`, bytes streamed)."""
    tracemalloc.start()
    size = consume(client.get(url))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, size


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

    teacher, course, middle = build(args.students, args.sessions)
    client = Client()
    client.force_login(teacher)

    def export(kind, file_format):
        return reverse("reports:course_export", args=[course.pk, kind, file_format])

    urls = {
        "course_report_ms": reverse("reports:course_report", args=[course.pk]),
        "register_ms": reverse("reports:course_register", args=[course.pk]),
        "register_all_ms": reverse("reports:course_register", args=[course.pk]) + "?page=all",
        "records_csv_ms": export("records", "csv"),
        "records_xlsx_ms": export("records", "xlsx"),
        "register_csv_ms": export("register", "csv"),
        "register_xlsx_ms": export("register", "xlsx"),
    }
    client.get(urls["course_report_ms"])  # warm the template cache
    records = args.students * args.sessions
    result = {"students": args.students, "sessions": args.sessions, "records": records}
    for key, url in urls.items():
        result[key] = timed(client, url, args.repeat)
        if key.endswith(("_csv_ms", "_xlsx_ms")):
            rows = records if key.startswith("records_") else args.students
            result[key.replace("_ms", "_rows_per_s")] = round(rows / result[key] * 1000)
    peak, size = peak_memory(client, urls["records_csv_ms"])
    half_peak, half_size = peak_memory(client, urls["records_csv_ms"] + f"?to={middle.isoformat()}")
    result.update(
        records_csv_mb=round(size / 1e6, 1),
        records_csv_peak_mb=round(peak / 1e6, 2),
        half_records_csv_mb=round(half_size / 1e6, 1),
        half_records_csv_peak_mb=round(half_peak / 1e6, 2),
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
