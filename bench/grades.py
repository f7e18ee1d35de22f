"""Server time of the gradebook pages for a course of S students and A assessments, every score entered.

    .venv/bin/python bench/grades.py [--students 300] [--assessments 40] [--sessions 60] [--behaviour 10]
                                     [--events 8] [--repeat 7]

Builds the course in its own PostgreSQL database (`attendance_grades_bench`, made anew at each run, then
analysed), every assessment released and scored (a few cells excused or missing), then times each request
through Django's test client as bench/reports.py does (the full middleware stack, in this process: server time
without network), the median in milliseconds: the teacher's gradebook, one assessment's score grid, the
gradebook as CSV and as Excel, a student's "My grades" page (their scores beside the class means) and the
student's profile as their teacher sees it and as they see it. Beside its scores the course has a term of
attendance (N sessions, `--sessions`, every student with a record in each), behaviour records (B per student,
`--behaviour`) and events (E, `--events`, every student taking part), so the profile shows every part at size.
The number of queries of each page is printed too; it does not grow with S, A, N, B or E. One JSON line comes
last. `--profile own_profile_ms` (any key of that line) prints where one request of that page spends its time
(cProfile, the 25 costliest functions by cumulative time) before it.
"""

import argparse
import json
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.reports import PG, consume, setup_django, timed  # noqa: E402

NAME = "attendance_grades_bench"


def build(student_count, assessment_count, session_count=0, behaviour_count=0, event_count=0):
    import random
    from datetime import timedelta
    from decimal import Decimal

    from django.db import connection
    from django.utils import timezone

    from accounts.models import Institution, Role, User
    from courses.models import Course, Enrollment
    from grades.models import Assessment, AssessmentType, Marker, Release, Score

    rng = random.Random(1)
    institution = Institution.objects.first_or_create()
    teacher = User.objects.create_user("teacher@bench.test", role=Role.TEACHER)
    course = Course.objects.create(institution=institution, code="BENCH", title="Bench", subject="Mathematics")
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
    Enrollment.objects.bulk_create(Enrollment(course=course, student=s) for s in students)
    today, now = timezone.localdate(), timezone.now()
    types = list(AssessmentType)
    assessments = Assessment.objects.bulk_create(
        Assessment(
            course=course,
            title=f"Assessment {i}",
            type=types[i % len(types)],
            date=today - timedelta(days=3 * i),
            max_score=Decimal(20),
            weight=Decimal(1 + i % 3),
            release=Release.NOW,
            notified_at=now,
        )
        for i in range(assessment_count)
    )

    def score(assessment, student):
        roll = rng.random()
        if roll < 0.02:
            return Score(assessment=assessment, student=student, marker=Marker.EXCUSED)
        if roll < 0.04:
            return Score(assessment=assessment, student=student, marker=Marker.MISSING)
        return Score(assessment=assessment, student=student, value=Decimal(rng.randint(0, 40)) / 2)

    Score.objects.bulk_create((score(a, s) for a in assessments for s in students), batch_size=5000)
    build_term(rng, teacher, course, students, session_count, behaviour_count, event_count)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return teacher, course, students[0], assessments[0]


def build_term(rng, teacher, course, students, session_count, behaviour_count, event_count):
    """A term's attendance (a record per student and session), behaviour records and events of the course."""
    from datetime import timedelta

    from django.utils import timezone

    from attendance.models import AttendanceRecord, Status
    from behaviour.models import BehaviourRecord, Category, Event, Participation, ParticipationStatus, Polarity
    from courses.models import ClassSession, Enrollment, SessionState

    now, today = timezone.now(), timezone.localdate()
    Enrollment.objects.filter(course=course).update(enrolled_on=today - timedelta(days=400))
    sessions = ClassSession.objects.bulk_create(
        ClassSession(
            course=course,
            starts_at=now - timedelta(days=2 * (i + 1)),
            ends_at=now - timedelta(days=2 * (i + 1)) + timedelta(hours=1),
            state=SessionState.CLOSED,
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
    categories = list(Category.objects.all())
    BehaviourRecord.objects.bulk_create(
        (
            BehaviourRecord(
                student=student,
                course=course,
                category=rng.choice(categories),
                polarity=Polarity.NEGATIVE if rng.random() < 0.3 else Polarity.POSITIVE,
                note="Bench",
                date=today - timedelta(days=rng.randint(0, 120)),
                author=teacher,
            )
            for student in students
            for _ in range(behaviour_count)
        ),
        batch_size=5000,
    )
    events = Event.objects.bulk_create(
        Event(name=f"Event {i}", date=today - timedelta(days=7 * i), course=course, created_by=teacher)
        for i in range(event_count)
    )
    Participation.objects.bulk_create(
        (
            Participation(event=event, student=student, status=rng.choice(list(ParticipationStatus)))
            for event in events
            for student in students
        ),
        batch_size=5000,
    )


def queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        consume(client.get(url))
    return len(captured)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--assessments", type=int, default=40)
    parser.add_argument("--sessions", type=int, default=60)
    parser.add_argument("--behaviour", type=int, default=10, help="behaviour records per student")
    parser.add_argument("--events", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--profile", metavar="KEY", help="profile one request of this page (cProfile)")
    args = parser.parse_args()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {NAME}")
    setup_django(NAME)
    from django.test import Client
    from django.urls import reverse

    teacher, course, student, assessment = build(
        args.students, args.assessments, args.sessions, args.behaviour, args.events
    )
    teacher_client, student_client = Client(), Client()
    teacher_client.force_login(teacher)
    student_client.force_login(student)
    pages = {
        "gradebook_ms": (teacher_client, reverse("grades:gradebook", args=[course.pk]) + "?term=all"),
        "score_grid_ms": (teacher_client, reverse("grades:score_entry", args=[assessment.pk])),
        "gradebook_csv_ms": (teacher_client, reverse("grades:gradebook_export", args=[course.pk, "csv"]) + "?term=all"),
        "gradebook_xlsx_ms": (
            teacher_client,
            reverse("grades:gradebook_export", args=[course.pk, "xlsx"]) + "?term=all",
        ),
        "my_grades_ms": (student_client, reverse("grades:my_grades") + "?term=all"),
        "student_profile_ms": (teacher_client, reverse("reports:student_profile", args=[student.pk])),
        "own_profile_ms": (student_client, reverse("reports:student_profile", args=[student.pk])),
    }
    result = {
        "students": args.students,
        "assessments": args.assessments,
        "scores": args.students * args.assessments,
        "sessions": args.sessions,
        "attendance_records": args.students * args.sessions,
        "behaviour_records": args.students * args.behaviour,
        "participations": args.students * args.events,
    }
    for key, (client, url) in pages.items():
        client.get(url)  # warm the template cache
        result[key] = timed(client, url, args.repeat)
        result[key.replace("_ms", "_queries")] = queries(client, url)
    if args.profile:
        import cProfile
        import pstats

        client, url = pages[args.profile]
        with cProfile.Profile() as profiler:
            consume(client.get(url))
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
