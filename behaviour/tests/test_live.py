"""Behaviour is live: when a record or a participation of a student changes, the open pages showing that
student's behaviour (their profile, their behaviour page) of the student, their parents and the course's
teachers are sent a loader, and fetching it shows the change; no one else's pages are sent anything."""

import re

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import ParentFactory, StudentFactory, institution_settings
from attendance_system.routing import websocket_urlpatterns
from behaviour import services
from behaviour.models import Polarity
from behaviour.tests.factories import CategoryFactory
from courses.selectors import students_of
from courses.tests.factories import EnrollmentFactory
from notifications.live import PROFILE_LIVE_PARTS


def connect(user, student):
    path = f"/ws/me/?regions=profile-{student.pk},behaviour-{student.pk}"
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    return communicator


async def loaders(communicator):
    """{loader id: loader} of the frames that arrive until none has for a while."""
    found = {}
    while not await communicator.receive_nothing(timeout=0.5):
        frame = await communicator.receive_from()
        match = re.match(r'<div id="([a-z]+-\d+-loader)"', frame)
        if match:
            found[match[1]] = frame
    return found


def fetch(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url, headers={"HX-Request": "true"}).text


def follow(user, loader):
    """The page `user` fetches when the loader arrives (its `hx-get`, as htmx asks)."""
    return fetch(user, re.search(r'hx-get="([^"]+)"', loader)[1])


def positive_count(page):
    return int(re.search(r'id="profile-positive">(\d+)<', page)[1])


def record(cast, polarity=Polarity.POSITIVE):
    category = CategoryFactory(name="Kindness" if polarity == Polarity.POSITIVE else "Disruption")
    return services.records_create(
        author=cast.teacher, course=cast.course, students=[cast.student], category=category, polarity=polarity
    )


@pytest.mark.django_db(transaction=True)
async def test_a_record_reaches_the_open_profile_and_behaviour_pages_of_everyone_who_sees_it(layer, cast):
    pk = cast.student.pk
    watching = {user: connect(user, cast.student) for user in (cast.teacher, cast.parent, cast.student, cast.admin)}
    outsiders = [connect(cast.other_teacher, cast.student), connect(cast.other_parent, cast.student)]
    for communicator in [*watching.values(), *outsiders]:
        assert (await communicator.connect())[0]
    before = await sync_to_async(fetch)(cast.parent, reverse("reports:student_profile", args=[pk]))
    await sync_to_async(record)(cast)
    for user, communicator in watching.items():
        arrived = await loaders(communicator)
        assert set(arrived) == {f"profile-{pk}-loader", f"behaviour-{pk}-loader"}, user
        profile = arrived[f"profile-{pk}-loader"]
        assert 'hx-target="#profile-summary"' in profile and f'hx-select-oob="{PROFILE_LIVE_PARTS}"' in profile
        page = await sync_to_async(follow)(user, profile)
        assert positive_count(page) == positive_count(before) + 1
        assert "Kindness" in page.split('id="profile-timeline"')[1]
        region = await sync_to_async(follow)(user, arrived[f"behaviour-{pk}-loader"])
        assert f'id="behaviour-{pk}"' in region and "Kindness" in region.split(f'id="behaviour-{pk}"')[1]
    for communicator in outsiders:
        assert not await loaders(communicator)
    for communicator in [*watching.values(), *outsiders]:
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_negative_record_the_family_is_not_shown_reaches_only_the_staff(cast):
    await sync_to_async(institution_settings)(parents_see_negative=False)
    await cast.course.arefresh_from_db()  # the course's institution is read again, as a new request would
    teacher, parent, student = (connect(user, cast.student) for user in (cast.teacher, cast.parent, cast.student))
    for communicator in (teacher, parent, student):
        assert (await communicator.connect())[0]
    await sync_to_async(record)(cast, Polarity.NEGATIVE)
    assert len(await loaders(teacher)) == 2
    assert not await loaders(parent) and not await loaders(student)
    for communicator in (teacher, parent, student):
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_corrected_or_deleted_participation_reaches_the_pages_too(cast):
    parent = connect(cast.parent, cast.student)
    assert (await parent.connect())[0]
    participation = cast.participation
    await sync_to_async(services.participation_update)(
        participation=participation, by=cast.teacher, status="award", remarks="First prize"
    )
    assert "First prize" in await sync_to_async(follow)(
        cast.parent, (await loaders(parent))[f"behaviour-{cast.student.pk}-loader"]
    )
    await sync_to_async(services.participation_delete)(participation=participation, by=cast.teacher)
    page = await sync_to_async(follow)(cast.parent, (await loaders(parent))[f"behaviour-{cast.student.pk}-loader"])
    assert "First prize" not in page
    await parent.disconnect()


@pytest.mark.django_db
def test_recording_for_a_whole_class_costs_the_same_queries(
    cast, settings, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    category = CategoryFactory(name="Kindness")

    def record_for_all():
        students = list(students_of(cast.course))
        with django_capture_on_commit_callbacks(execute=True):
            services.records_create(
                author=cast.teacher, course=cast.course, students=students, category=category, polarity="positive"
            )

    with CaptureQueriesContext(connection) as one_student:
        record_for_all()
    for _ in range(30):
        student = StudentFactory()
        EnrollmentFactory(course=cast.course, student=student)
        ParentFactory(children=[student])
    with django_assert_max_num_queries(len(one_student)):
        record_for_all()
