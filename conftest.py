"""Test-wide set-up (the environment is in pyproject.toml) and a cast of people, one per role, around one
course."""

from datetime import timedelta

import pytest
from channels.layers import channel_layers
from django.core.cache import cache
from django.utils import timezone, translation

from accounts.tests.factories import (
    AdminFactory,
    InstitutionFactory,
    ParentFactory,
    StudentFactory,
    TeacherFactory,
    first_institution,
)
from attendance import services
from attendance.models import Status
from attendance.selectors import MAX_WRONG_CODES
from attendance.tests.factories import AttendanceRecordFactory, CodeLockoutFactory, JustificationFactory
from behaviour.tests.factories import BehaviourRecordFactory, CategoryFactory, ParticipationFactory
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from notifications.tests.factories import NotificationFactory
from tests.layers import use_layer


@pytest.fixture(autouse=True)
def _fast_and_local(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test starts with an empty cache (the per-address check-in counter lives there).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # A request leaves its reader's language active in the thread, as in production; each test starts in the
    # default one, whatever language the previous test's requests were in.
    translation.activate(settings.LANGUAGE_CODE)


class Cast:
    """One course with a teacher, an enrolled student with a parent, and someone outside for each role; in the
    first institution, or in `institution`."""

    def __init__(self, institution=None):
        institution = institution or first_institution()
        people = {"institution": institution}
        self.institution = institution
        self.teacher = TeacherFactory(first_name="Tess", **people)
        self.other_teacher = TeacherFactory(first_name="Otto", **people)
        self.student = StudentFactory(first_name="Sam", **people)
        self.other_student = StudentFactory(first_name="Olga", **people)
        self.parent = ParentFactory(first_name="Paula", children=[self.student], **people)
        self.other_parent = ParentFactory(first_name="Pete", children=[self.other_student], **people)
        self.admin = AdminFactory(**people)
        self.course = CourseFactory(teachers=[self.teacher], **people)
        self.other_course = CourseFactory(teachers=[self.other_teacher], **people)
        EnrollmentFactory(course=self.course, student=self.student)
        EnrollmentFactory(course=self.other_course, student=self.other_student)
        self.session = ClassSessionFactory(course=self.course)
        self.record = AttendanceRecordFactory(session=self.session, student=self.student, status=Status.PENDING)
        CodeLockoutFactory(session=self.session, student=self.student, failures=MAX_WRONG_CODES)
        self.notification = NotificationFactory(user=self.student, url="/")
        self.justification = JustificationFactory(student=self.student, course=self.course, sessions=[self.session])
        self.behaviour_record = BehaviourRecordFactory(
            student=self.student,
            course=self.course,
            author=self.teacher,
            category=CategoryFactory(institution=institution, name="Helpfulness"),
        )
        self.participation = ParticipationFactory(student=self.student, event__course=self.course)

    def by_role(self, name):
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture(params=["memory", "redis"])
def layer(request, settings):
    """Each test that takes it runs twice: on the in-memory channel layer and on Redis's (tests/layers.py)."""
    use_layer(settings, request.param)
    yield request.param
    channel_layers.backends.clear()


@pytest.fixture
def cast(db):
    return Cast()


@pytest.fixture
def elsewhere(db):
    """The same cast of people in a second institution: nothing of `cast` is theirs to see."""
    return Cast(InstitutionFactory(time_zone="America/Sao_Paulo"))


@pytest.fixture
def live(cast):
    """An open session of the cast's course, running now, with its first code."""
    now = timezone.now()
    session = ClassSessionFactory(course=cast.course, starts_at=now, ends_at=now + timedelta(hours=1))
    return session, services.session_open(session=session, by=cast.teacher)


@pytest.fixture(scope="session", autouse=True)
def _close_connections_of_async_tests(django_db_setup):
    """Async tests run database calls in asgiref's single sync thread; its connection stays open and would
    keep PostgreSQL from dropping the test database. Close it before the database is torn down."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@pytest.fixture
def closed_sockets(monkeypatch):
    """The ids of the users whose live sockets were closed (`notifications.live.close_sockets`), in order."""
    from notifications import live as notifications_live

    users = []
    monkeypatch.setattr(notifications_live, "close_sockets", users.append)
    return users
