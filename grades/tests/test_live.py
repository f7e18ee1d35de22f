"""Releasing scores reaches the open grades pages of the student and their parents, live: each is sent a loader,
and fetching it gives the page the released scores a fresh load shows; no one else's page is sent anything, and
the release costs the same queries for a class of any size."""

import re

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import ParentFactory, StudentFactory
from attendance_system.routing import websocket_urlpatterns
from courses.tests.factories import EnrollmentFactory
from grades import services
from grades.tests.factories import AssessmentFactory, ScoreFactory


def connect(user, child):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/me/?regions=grades-{child.pk}")
    communicator.scope["user"] = user
    return communicator


async def grades_loader(communicator):
    """The first frame that is a grades loader, skipping the notice's toast and badge."""
    for _ in range(5):
        frame = await communicator.receive_from(timeout=3)
        if 'id="released-' in frame and "-loader" in frame:
            return frame
    raise AssertionError("no grades loader arrived")


async def frames(communicator):
    """Every frame that arrives until none has for a while."""
    received = []
    while not await communicator.receive_nothing(timeout=0.5):
        received.append(await communicator.receive_from())
    return received


def follow(user, loader):
    """What the page of `user` swaps in when the loader arrives: its `hx-get`, fetched as htmx does."""
    url = re.search(r'hx-get="([^"]+)"', loader)[1]
    client = Client()
    client.force_login(user)
    return client.get(url, headers={"HX-Request": "true"}).text.strip()


@pytest.mark.django_db(transaction=True)
async def test_the_open_pages_of_the_student_and_parent_fetch_the_released_scores(layer, cast):
    quiz = await sync_to_async(AssessmentFactory)(course=cast.course, title="Fractions")
    await sync_to_async(ScoreFactory)(assessment=quiz, student=cast.student, value=15)
    parent, student = connect(cast.parent, cast.student), connect(cast.student, cast.student)
    outsider, other_child = connect(cast.other_parent, cast.other_student), connect(cast.parent, cast.other_student)
    for communicator in (parent, student, outsider, other_child):
        assert (await communicator.connect())[0]
    await sync_to_async(services.assessment_release)(assessment=quiz)
    pushed = await grades_loader(parent)
    target = f'hx-target="#released-{cast.student.pk}"'
    assert f'id="released-{cast.student.pk}-loader" hx-swap-oob="true"' in pushed and target in pushed
    assert "Fractions" not in pushed
    for user, communicator, url in (
        (cast.parent, pushed, reverse("grades:child_grades", args=[cast.student.pk])),
        (cast.student, await grades_loader(student), reverse("grades:my_grades")),
    ):
        assert f'hx-get="{url}"' in communicator
        region = await sync_to_async(follow)(user, communicator)
        assert region.startswith(f'<div id="released-{cast.student.pk}">')
        assert "Fractions" in region and "75.0 %" in region
    # The other parent is sent nothing; the parent's page that asked for a child not theirs, no loader.
    assert await outsider.receive_nothing(timeout=0.3)
    assert not [frame for frame in await frames(other_child) if "-loader" in frame]
    for communicator in (parent, student, outsider, other_child):
        await communicator.disconnect()


def watch_profile(user, student):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/me/?regions=profile-{student.pk}")
    communicator.scope["user"] = user
    return communicator


async def profile_loaders(communicator, student):
    """The frames that are loaders of the student's profile, among those that arrive until none has for a while."""
    return [frame for frame in await frames(communicator) if f'id="profile-{student.pk}-loader"' in frame]


@pytest.mark.django_db(transaction=True)
async def test_a_release_reaches_the_open_profiles_of_the_student_and_parents(layer, cast):
    quiz = await sync_to_async(AssessmentFactory)(course=cast.course, title="Fractions")
    await sync_to_async(ScoreFactory)(assessment=quiz, student=cast.student, value=15)
    watching = {user: watch_profile(user, cast.student) for user in (cast.student, cast.parent)}
    # The other parent may not see the student: their page joins nothing, and is sent nothing.
    outsider = watch_profile(cast.other_parent, cast.student)
    for communicator in (*watching.values(), outsider):
        assert (await communicator.connect())[0]
    await sync_to_async(services.assessment_release)(assessment=quiz)
    for user, communicator in watching.items():
        (loader,) = await profile_loaders(communicator, cast.student)
        assert f'hx-get="{reverse("reports:student_profile", args=[cast.student.pk])}"' in loader
        assert "Fractions" not in loader
        page = await sync_to_async(follow)(user, loader)
        courses = page.split('id="profile-courses"')[1].split("</table>")[0]
        assert "75.0 %" in courses
        assert "75.0 %" in page.split('id="profile-subjects"')[1].split("</div>")[0]
        assert '"score": 75.0' in page.split('id="chart-data"')[1].split("</script>")[0]
        assert "Fractions" in page.split('id="profile-timeline"')[1]
    assert not await profile_loaders(outsider, cast.student)
    # Withdrawn, the scores leave the open profiles too.
    await sync_to_async(services.assessment_update)(assessment=quiz, release="never")
    (loader,) = await profile_loaders(watching[cast.parent], cast.student)
    assert "Fractions" not in (await sync_to_async(follow)(cast.parent, loader)).split('id="profile-timeline"')[1]
    for communicator in (*watching.values(), outsider):
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_changed_score_of_released_work_reaches_the_page_too(layer, cast):
    quiz = await sync_to_async(AssessmentFactory)(course=cast.course, release="now")
    parent = connect(cast.parent, cast.student)
    assert (await parent.connect())[0]
    await sync_to_async(services.scores_save)(assessment=quiz, by=cast.teacher, entries={cast.student: (12, "")})
    assert "60.0 %" in await sync_to_async(follow)(cast.parent, await grades_loader(parent))
    await parent.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_page_may_follow_only_a_student_its_user_may_see(cast):
    for user, child in ((cast.other_parent, cast.student), (cast.other_teacher, cast.student)):
        communicator = connect(user, child)
        assert (await communicator.connect())[0]
        quiz = await sync_to_async(AssessmentFactory)(course=cast.course)
        await sync_to_async(services.assessment_release)(assessment=quiz)
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()


@pytest.mark.django_db
def test_a_release_costs_the_same_queries_for_a_class_of_any_size(
    cast, settings, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    # Emails are queued, one per recipient who wants them, and sent by the worker: not the release's own work.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    def release():
        """Release a new assessment, its pushes and notices included (what runs after commit too)."""
        quiz = AssessmentFactory(course=cast.course)
        ScoreFactory(assessment=quiz, student=cast.student, value=10)
        with django_capture_on_commit_callbacks(execute=True):
            services.assessment_release(assessment=quiz)

    with CaptureQueriesContext(connection) as one_student:
        release()
    for _ in range(30):
        student = StudentFactory()
        EnrollmentFactory(course=cast.course, student=student)
        ParentFactory(children=[student])
    with django_assert_max_num_queries(len(one_student)):
        release()


@pytest.mark.django_db(transaction=True)
async def test_region_names_that_are_not_a_student_or_session_are_ignored_not_an_error(cast):
    junk = ",".join(["grades-²", "session-²", f"grades-{2**70}", "grades--1", "grades-", "-3", "nothing-4", "grades-x"])
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/me/?regions={junk}")
    communicator.scope["user"] = cast.parent
    assert (await communicator.connect())[0]
    await sync_to_async(services.assessment_release)(
        assessment=await sync_to_async(AssessmentFactory)(course=cast.course)
    )
    assert not [frame for frame in await frames(communicator) if "-loader" in frame]
    await communicator.disconnect()
