"""Releasing scores reaches the open grades pages of the student and their parents, live, as the fragment a
fresh load renders; no one else's."""

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from attendance_system.routing import websocket_urlpatterns
from grades import services
from grades.tests.factories import AssessmentFactory, ScoreFactory
from tests.layers import use_layer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["memory", "redis"])
def layer(request, settings):
    use_layer(settings, request.param)
    yield request.param
    channel_layers.backends.clear()


def connect(user):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/me/?regions=grades")
    communicator.scope["user"] = user
    return communicator


async def grades_fragment(communicator):
    """The first frame that is a grades region, skipping the notice's toast and badge."""
    for _ in range(5):
        frame = await communicator.receive_from(timeout=3)
        if frame.startswith('<div id="released-'):
            return frame
    raise AssertionError("no grades fragment arrived")


def fresh_region(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url, headers={"HX-Request": "true"}).text.strip()


async def test_the_parents_open_page_shows_released_scores_as_a_fresh_load_would(layer, cast):
    quiz = await sync_to_async(AssessmentFactory)(course=cast.course, title="Fractions")
    await sync_to_async(ScoreFactory)(assessment=quiz, student=cast.student, value=15)
    parent, student, outsider = connect(cast.parent), connect(cast.student), connect(cast.other_parent)
    for communicator in (parent, student, outsider):
        assert (await communicator.connect())[0]
    await sync_to_async(services.assessment_release)(assessment=quiz)
    pushed = await grades_fragment(parent)
    assert pushed.startswith(f'<div id="released-{cast.student.pk}" hx-swap-oob="true">')
    assert "Fractions" in pushed and "75.0 %" in pushed
    url = reverse("grades:child_grades", args=[cast.student.pk])
    fresh = await sync_to_async(fresh_region)(cast.parent, url)
    assert pushed.replace(' hx-swap-oob="true"', "", 1) == fresh
    assert (await grades_fragment(student)) == pushed
    assert await outsider.receive_nothing(timeout=0.3)
    for communicator in (parent, student, outsider):
        await communicator.disconnect()


async def test_a_changed_score_of_released_work_reaches_the_page_too(layer, cast):
    quiz = await sync_to_async(AssessmentFactory)(course=cast.course, release="now")
    parent = connect(cast.parent)
    assert (await parent.connect())[0]
    await sync_to_async(services.scores_save)(assessment=quiz, by=cast.teacher, entries={cast.student: (12, "")})
    assert "60.0 %" in await grades_fragment(parent)
    await parent.disconnect()
