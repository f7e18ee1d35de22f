import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import transaction

from accounts.tests.factories import StudentFactory
from attendance_system.routing import websocket_urlpatterns
from notifications import live
from notifications.layers import PipelinedPubSubChannelLayer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sent(monkeypatch):
    messages = []
    monkeypatch.setattr(live, "_send", lambda group, html: messages.append((group, html)))
    return messages


def test_a_push_is_sent_only_after_the_transaction_commits(sent):
    with transaction.atomic():
        live.push("user.1", " <div id='x'></div> ")
        assert sent == []
    assert sent == [("user.1", "<div id='x'></div>")]


def test_a_rolled_back_change_pushes_nothing(sent):
    with pytest.raises(RuntimeError), transaction.atomic():
        live.push("user.1", "<div id='x'></div>")
        raise RuntimeError
    assert sent == []


def test_a_failing_layer_never_breaks_the_caller(monkeypatch, caplog):
    def broken():
        raise ConnectionError("redis is down")

    monkeypatch.setattr(live, "get_channel_layer", broken)
    live.push("user.1", "<div id='x'></div>")
    assert "Live push to user.1 failed" in caplog.text


def test_group_names_come_from_one_place():
    assert (live.session_group(7, "fr"), live.user_group(8)) == ("session.7.fr", "user.8")


async def test_a_burst_of_pushes_reaches_every_socket_in_order_in_few_sends(layer, monkeypatch):
    """Hundreds of pushes at one commit (validating a lecture hall): every socket gets all of its own, in the
    order they were pushed; with Redis they go in pipelines of at most BATCH events, not one by one."""
    users = await sync_to_async(StudentFactory.create_batch)(2)
    sockets = []
    for user in users:
        communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/me/")
        communicator.scope["user"] = user
        assert (await communicator.connect())[0]
        sockets.append(communicator)
    batches = []
    if layer == "redis":
        send_many = PipelinedPubSubChannelLayer.group_send_many

        async def counted(self, events):
            batches.append(len(events))
            await send_many(self, events)

        monkeypatch.setattr(PipelinedPubSubChannelLayer, "group_send_many", counted)
    # More than BATCH; the in-memory layer keeps at most 100 events a socket has not read yet.
    count = 2 * live.BATCH + 50 if layer == "redis" else 150

    @sync_to_async
    def validate_everyone():
        with transaction.atomic():
            for n in range(count):
                live.push(live.user_group(users[n % 2].pk), f"<p id='n{n}'></p>")

    await validate_everyone()
    for index, socket in enumerate(sockets):
        received = [await socket.receive_from(timeout=5) for _ in range(index, count, 2)]
        assert received == [f"<p id='n{n}'></p>" for n in range(index, count, 2)]
        assert await socket.receive_nothing(timeout=0.2)
        await socket.disconnect()
    if layer == "redis":
        # How many gather before each send depends on how busy the machine is (on a loaded CI machine 450
        # events went in 25 sends); one round trip per event would be `count` sends.
        assert sum(batches) == count and max(batches) <= live.BATCH and len(batches) < count / 4
