"""Failure drill at the socket: the channel layer's Redis stops. Open sockets are closed with "try again later"
(their pages show that live updates are paused), new ones are refused the same way, and once Redis is back a
socket connects and receives pushes again, with no restart."""

import asyncio

import pytest
import redis
from channels.layers import InMemoryChannelLayer, channel_layers, get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from attendance_system.routing import websocket_urlpatterns
from notifications import consumers
from notifications.consumers import PROBE_EVERY, PROBE_WAIT, TRY_AGAIN_LATER
from notifications.live import user_group
from tests.live import private_redis

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_server(settings):
    with private_redis() as server:
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [{"address": server.url, "socket_connect_timeout": 2, "socket_timeout": 2}]},
            }
        }
        channel_layers.backends.clear()
        yield server
    channel_layers.backends.clear()


async def receives_a_push_once_back(user):
    """Whether a socket connects and receives a push within a few tries, as a page reconnects with back-off: the
    layer's first commands after Redis came back may still meet its reconnection."""
    for _attempt in range(10):
        socket = connect(user)
        try:
            if (await socket.connect(timeout=5))[0]:
                await get_channel_layer().group_send(
                    user_group(user.pk), {"type": "fragment", "html": "<p id='x'></p>"}
                )
                if await socket.receive_from(timeout=3) == "<p id='x'></p>":
                    await socket.disconnect()
                    return True
        except (redis.RedisError, TimeoutError):
            await asyncio.sleep(1)
    return False


def connect(user):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/me/")
    communicator.scope["user"] = user
    return communicator


@pytest.mark.redis
async def test_sockets_close_while_redis_is_down_and_work_again_when_it_returns(redis_server, cast):
    socket = connect(cast.student)
    assert (await socket.connect())[0]

    redis_server.stop()
    closed = await socket.receive_output(timeout=PROBE_EVERY + PROBE_WAIT + 3)
    assert (closed["type"], closed["code"]) == ("websocket.close", TRY_AGAIN_LATER)
    await socket.disconnect()
    # A new socket is refused while Redis is down (the layer cannot even make its channel).
    with pytest.raises(redis.ConnectionError):
        await connect(cast.student).connect(timeout=5)

    redis_server.start()
    assert await receives_a_push_once_back(cast.student)


class SilentLayer(InMemoryChannelLayer):
    """A layer that is up but never delivers the process's probes (as a subscription Redis lost would)."""

    async def send(self, channel, message):
        if message.get("type") != "probe":
            await super().send(channel, message)


async def test_sockets_close_after_several_unanswered_probes_only(settings, cast, monkeypatch, caplog):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": f"{__name__}.SilentLayer"}}
    channel_layers.backends.clear()
    monkeypatch.setattr(consumers, "PROBE_EVERY", 0.05)
    monkeypatch.setattr(consumers, "PROBE_WAIT", 0.2)
    socket = connect(cast.student)
    assert (await socket.connect())[0]
    closed = await socket.receive_output(timeout=5)
    assert (closed["type"], closed["code"]) == ("websocket.close", TRY_AGAIN_LATER)
    assert f"({consumers.PATIENCE} probes unanswered)" in caplog.text
    await socket.disconnect()
    channel_layers.backends.clear()
