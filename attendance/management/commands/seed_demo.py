"""The demo: the installation's first institution with its accounts, courses, rosters and weekly sessions, and a
second, smaller institution with its own people and courses (nothing of either is seen from the other). Run it as
often as you like."""

import random
from datetime import time, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Institution, ParentLink, Role, User
from attendance.models import AttendanceRecord, Method, Status, StatusChange
from behaviour import demo as behaviour_demo
from courses import services as course_services
from courses.models import ClassSession, Course, Enrollment, SessionState
from grades import demo as grades_demo

DEMO_DOMAIN = "demo.school"
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 (published in the README on purpose)
STUDENT_COUNT = 60
FIRST_NAMES = [
    "Alice", "Bruno", "Chloé", "David", "Emma", "Farid", "Giulia", "Hugo", "Inès", "Jonas",
    "Kenza", "Léo", "Maya", "Nathan", "Olivia", "Paul", "Quentin", "Rose", "Samir", "Tara",
]  # fmt: skip
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Nguyen",
    "Moreau",
    "Garcia",
    "Lopez",
    "Rossi",
    "Keller",
    "Haddad",
    "Schmidt",
]
TEACHERS = [("teacher1", "Claire", "Fontaine"), ("teacher2", "Marc", "Lefebvre")]
PARENTS = [("parent1", "Sophie", "Martin", [1, 2]), ("parent2", "Karim", "Martin", [2, 3])]
# code, title, teacher, weekdays (0 is Monday), start, end, room, students (first and last number)
COURSES = [
    ("MATH101", "Calculus I", "teacher1", [0, 3], time(9, 0), time(10, 30), "A101", (1, 30)),
    ("PHYS110", "Mechanics", "teacher1", [1, 4], time(11, 0), time(12, 30), "B204", (16, 40)),
    ("CHEM120", "General Chemistry", "teacher2", [2], time(14, 0), time(16, 0), "Lab 3", (31, 50)),
    ("HIST105", "Modern History", "teacher2", [0, 2, 4], time(16, 30), time(17, 30), "C12", (46, 60)),
]
# The second institution: a Brazilian school in its own time zone, with its own administrator (not a platform
# administrator), a teacher, ten students and a parent; course codes may repeat the first institution's.
SECOND = {"name": "Escola Demo", "short_name": "ESCOLA", "time_zone": "America/Sao_Paulo"}
SECOND_STUDENTS = 10
SECOND_COURSES = [
    ("MATH101", "Matemática I", [0, 2], time(8, 0), time(9, 30), "Sala 1"),
    ("PORT101", "Língua Portuguesa", [1, 3], time(10, 0), time(11, 30), "Sala 2"),
]
WEEKS_BEFORE, WEEKS_AFTER = 6, 4
HISTORY_STATUSES = [Status.PRESENT, Status.LATE, Status.ABSENT, Status.EXCUSED]
USUAL_WEIGHTS = [84, 8, 6, 2]
# Absent from two sessions in five: 60 %, below the usual 75 % threshold.
FREQUENT_ABSENTEES = {5, 20, 35}
# Present at every session: with their high scores (grades.demo), the demo's high performers.
NEVER_ABSENT = grades_demo.HIGH_PERFORMERS


def demo_email(local):
    return f"{local}@{DEMO_DOMAIN}"


class Command(BaseCommand):
    help = "Create the demo institution (idempotent); --reset deletes it first and builds it again."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Delete the demo data and build it again.")

    @transaction.atomic
    def handle(self, *args, reset=False, **options):
        if reset:
            self._delete()
        # One hash for all demo accounts: hashing 65 passwords one by one takes half a minute.
        self.password = make_password(DEMO_PASSWORD)
        self.institution = Institution.objects.first_or_create()
        self._user("admin", "Ada", "Admin", Role.ADMIN, is_staff=True, is_superuser=True)
        teachers = {key: self._user(key, first, last, Role.TEACHER) for key, first, last in TEACHERS}
        students = {
            n: self._user(
                f"student{n}",
                FIRST_NAMES[(n - 1) % len(FIRST_NAMES)],
                LAST_NAMES[(n - 1) % len(LAST_NAMES)],
                Role.STUDENT,
                student_number=f"S{n:04d}",
            )
            for n in range(1, STUDENT_COUNT + 1)
        }
        for key, first, last, children in PARENTS:
            parent = self._user(key, first, last, Role.PARENT)
            for n in children:
                ParentLink.objects.get_or_create(parent=parent, child=students[n])
        today = timezone.localdate()
        monday = today - timedelta(days=today.weekday())
        term = grades_demo.school_year(self.institution, today)
        for code, title, teacher, weekdays, start, end, room, (first, last) in COURSES:
            enrolled = [students[n] for n in range(first, last + 1)]
            self._course(code, title, term, teachers[teacher], enrolled, (weekdays, start, end, room), monday)
        courses = Course.objects.filter(institution=self.institution)
        self._session_now(courses.get(code=COURSES[0][0]))
        self._history(self._demo_courses())
        behaviour_demo.seed(teacher=teachers["teacher1"], course=courses.get(code="MATH101"), students=students)
        for code, _title, teacher, *_rest in COURSES:
            grades_demo.seed(course=courses.get(code=code), teacher=teachers[teacher], students=students)
        self._second_institution(monday)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {User.objects.filter(email__endswith='@' + DEMO_DOMAIN).count()} accounts, "
                f"{self._demo_courses().count()} courses, "
                f"{ClassSession.objects.filter(course__in=self._demo_courses()).count()} sessions, "
                f"in 2 institutions. Password for every account: {DEMO_PASSWORD}"
            )
        )

    def _course(self, code, title, term, teacher, students, schedule, monday):
        """A course of the institution being made, its teacher and students, and its weekly sessions from
        WEEKS_BEFORE weeks before this week's `monday` to WEEKS_AFTER weeks after it."""
        weekdays, start, end, room = schedule
        term_start = monday - timedelta(weeks=WEEKS_BEFORE)
        course, _ = Course.objects.get_or_create(
            institution=self.institution, code=code, defaults={"title": title, "term": term}
        )
        course.teachers.add(teacher)
        for student in students:
            Enrollment.objects.get_or_create(course=course, student=student, defaults={"enrolled_on": term_start})
        if not course.sessions.exists():
            course_services.sessions_create_weekly(
                course=course,
                weekdays=weekdays,
                start_time=start,
                end_time=end,
                first_date=term_start,
                last_date=monday + timedelta(weeks=WEEKS_AFTER, days=6),
                room=room,
            )

    def _demo_courses(self):
        first = Q(institution=self.institution, code__in=[c[0] for c in COURSES])
        second = Q(institution__short_name=SECOND["short_name"], code__in=[c[0] for c in SECOND_COURSES])
        return Course.objects.filter(first | second)

    def _second_institution(self, monday):
        """The second institution's people, courses, sessions and history."""
        institution = self.institution
        self.institution, _ = Institution.objects.get_or_create(
            short_name=SECOND["short_name"], defaults={"name": SECOND["name"], "time_zone": SECOND["time_zone"]}
        )
        self._user("escola.admin", "Beatriz", "Almeida", Role.ADMIN, is_staff=True)
        teacher = self._user("escola.teacher", "Rafael", "Souza", Role.TEACHER)
        students = [
            self._user(f"escola.student{n}", FIRST_NAMES[n], "Oliveira", Role.STUDENT, student_number=f"S{n:04d}")
            for n in range(1, SECOND_STUDENTS + 1)
        ]
        parent = self._user("escola.parent", "Fernanda", "Oliveira", Role.PARENT)
        ParentLink.objects.get_or_create(parent=parent, child=students[0])
        term = grades_demo.school_year(self.institution, timezone.localdate())
        for code, title, weekdays, start, end, room in SECOND_COURSES:
            self._course(code, title, term, teacher, students, (weekdays, start, end, room), monday)
        self._history(Course.objects.filter(institution=self.institution))
        self.institution = institution

    def _session_now(self, course):
        """A session of the first course running now, so that check-in can be tried at once: it started at most
        five minutes ago (now rounded down to five minutes), so a check-in right after seeding is on time."""
        now = timezone.localtime()
        if course.sessions.filter(starts_at__lte=now + course_services.open_early(), ends_at__gt=now).exists():
            return
        start = now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0)
        course_services.session_create(course=course, starts_at=start, ends_at=start + timedelta(hours=2), room="A101")

    def _history(self, courses):
        """Six weeks of past attendance in `courses`, the same at every run: mostly present, some late or absent,
        a few excused, and three students who miss often enough to fall below 75 %."""
        rng = random.Random(2026)  # noqa: S311 (repeatable demo data, not a secret)
        past = ClassSession.objects.filter(
            course__in=courses, ends_at__lt=timezone.now(), records__isnull=True
        ).select_related("course")
        records = []
        for index, session in enumerate(past.order_by("course", "starts_at")):
            for enrollment in session.course.enrollments.filter(active=True).select_related("student"):
                number = int(enrollment.student.student_number[1:])
                if number in FREQUENT_ABSENTEES:
                    status = Status.ABSENT if index % 5 in {1, 3} else Status.PRESENT
                elif number in NEVER_ABSENT:
                    status = Status.PRESENT
                else:
                    status = rng.choices(HISTORY_STATUSES, USUAL_WEIGHTS)[0]
                minutes = rng.randint(0, 9) if status == Status.PRESENT else rng.randint(11, 25)
                records.append(
                    AttendanceRecord(
                        session=session,
                        student=enrollment.student,
                        status=status,
                        method=Method.MANUAL if status in {Status.ABSENT, Status.EXCUSED} else Method.CODE,
                        is_late=status == Status.LATE,
                        submitted_at=session.starts_at + timedelta(minutes=minutes),
                    )
                )
        ClassSession.objects.filter(pk__in=[s.pk for s in past]).update(state=SessionState.CLOSED)
        AttendanceRecord.objects.bulk_create(records)
        StatusChange.objects.bulk_create(
            StatusChange(record=r, to_status=r.status, reason="Demo history") for r in records
        )

    def _user(self, local, first, last, role, **extra):
        return User.objects.get_or_create(
            email=demo_email(local),
            defaults={
                "first_name": first,
                "last_name": last,
                "role": role,
                "password": self.password,
                "institution": self.institution,
                **extra,
            },
        )[0]

    def _delete(self):
        self.institution = Institution.objects.first_or_create()
        courses = self._demo_courses()
        users = User.objects.filter(email__endswith="@" + DEMO_DOMAIN)
        behaviour_demo.delete(users=users)
        AttendanceRecord.objects.filter(session__course__in=courses).delete()
        grades_demo.delete(courses=courses)
        courses.delete()
        AttendanceRecord.objects.filter(student__in=users).delete()
        users.delete()
