import asyncio
import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils.module_loading import import_string

from notifications.live import (
    REGIONS,
    STUDENT_REGIONS,
    session_watch_group,
    sockets_group,
    student_region_group,
    user_group,
)

logger = logging.getLogger(__name__)
MAX_WATCHED_SESSIONS = 200
MAX_WATCHED_STUDENTS = 50
# How often each process checks that an event sent through the channel layer comes back, how long it waits,
# and how many unanswered checks in a row mean the layer is down (a process busy with a burst answers late).
PROBE_EVERY = 2
PROBE_WAIT = 5
PATIENCE = 3
# The close code that tells a page to reconnect later (static/js/app.js): 1013 ("try again later") in the range
# a server may send (daphne refuses to send 1013 itself).
TRY_AGAIN_LATER = 4013

_sockets = {}  # event loop -> this process's open sockets on it
_watchers = {}  # event loop -> its watch task


async def _watch(sockets):
    """While this process has sockets open, send an event through the channel layer to itself every PROBE_EVERY
    seconds. When the layer fails (Redis is down) or the event keeps not coming back, pushes cannot reach these
    sockets: close them all with "try again later". Their pages show that live updates are paused and reconnect
    with back-off; a connect succeeds once the layer is back, and the page then re-syncs, so nothing pushed
    meanwhile stays missing."""
    layer = get_channel_layer()
    channel, misses = None, 0
    while sockets:
        try:
            channel = channel or await layer.new_channel("live-probe.")
            await layer.send(channel, {"type": "probe"})
            await asyncio.wait_for(layer.receive(channel), PROBE_WAIT)
            misses = 0
        except TimeoutError:
            channel, misses = None, misses + 1
            if misses >= PATIENCE:
                misses = 0
                await _close_all(sockets, f"{PATIENCE} probes unanswered")
        except Exception as error:
            channel = None
            await _close_all(sockets, repr(error))
        await asyncio.sleep(PROBE_EVERY)


async def _close_all(sockets, why):
    logger.warning("The channel layer does not answer (%s): closing %d live sockets", why, len(sockets))
    for consumer in list(sockets):
        sockets.discard(consumer)
        await consumer.close(code=TRY_AGAIN_LATER)


def _watch_socket(consumer):
    loop = asyncio.get_running_loop()
    sockets = _sockets.setdefault(loop, set())
    sockets.add(consumer)
    if loop not in _watchers or _watchers[loop].done():
        _watchers[loop] = loop.create_task(_watch(sockets))


def _unwatch_socket(consumer):
    loop = asyncio.get_running_loop()
    sockets = _sockets.get(loop, set())
    sockets.discard(consumer)
    if not sockets and loop in _watchers:
        _sockets.pop(loop, None)
        _watchers.pop(loop).cancel()


class FragmentConsumer(AsyncWebsocketConsumer):
    """Authorise from the scope, join groups, forward pushed fragments. No business rule lives here.

    Asynchronous because forwarding is: a sync consumer would hand each event to the one thread that also
    runs the process's views, so during a burst of check-ins the teacher's frames would queue behind them.
    Only the authorisation touches the database, once per connection.
    """

    def groups_for(self, user):
        """The groups this user may join on this socket (runs in a thread); an empty list refuses."""
        raise NotImplementedError

    async def connect(self):
        user = self.scope["user"]
        self.joined = await database_sync_to_async(self.groups_for)(user) if user.is_authenticated else []
        if not self.joined:
            await self.close()
            return
        self.joined.append(sockets_group(user.pk))
        try:
            for group in self.joined:
                await self.channel_layer.group_add(group, self.channel_name)
        except Exception:
            # The channel layer (Redis) is down: no push could reach this socket. The page shows that live
            # updates are paused and tries again later.
            logger.warning("Refused a live socket: the channel layer is down", exc_info=True)
            await self.close(code=TRY_AGAIN_LATER)
            return
        await self.accept()
        _watch_socket(self)

    async def disconnect(self, code):
        _unwatch_socket(self)
        try:
            for group in getattr(self, "joined", []):
                await self.channel_layer.group_discard(group, self.channel_name)
        except Exception:
            logger.warning("Could not leave the groups of a closed socket: the channel layer is down", exc_info=True)

    async def receive(self, text_data=None, bytes_data=None):
        """Browsers only listen on these sockets; anything they send is ignored."""

    async def fragment(self, event):
        await self.send(text_data=event["html"])

    async def sockets_close(self, event):
        """The user logged out or changed their password: this socket ends; a reconnect is authorised anew."""
        await self.close()


def _id(text):
    """The number `text` spells in at most 9 ASCII digits (a primary key), or None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


class PersonalConsumer(FragmentConsumer):
    """`/ws/me/?regions=notifications,checkin,session-12,grades-7`: a logged-in user's notices (every page),
    and the regions the page shows: their own (`REGIONS`), the state of sessions they may see, and regions of
    students they may see (`STUDENT_REGIONS`)."""

    def groups_for(self, user):
        query = parse_qs(self.scope.get("query_string", b"").decode(errors="replace"))
        wanted = set(",".join(query.get("regions", [])).split(","))
        groups = [user_group(user.pk), *(user_group(user.pk, region) for region in sorted(wanted & set(REGIONS)))]
        keyed = sorted({(name, _id(key)) for name, _, key in (r.rpartition("-") for r in wanted) if _id(key)})
        session_ids = [key for name, key in keyed if name == "session"][:MAX_WATCHED_SESSIONS]
        if session_ids:
            visible = import_string(settings.LIVE_VISIBLE_SESSIONS)(user, session_ids)
            groups += [session_watch_group(pk, user.reading_language) for pk in visible]
        students = [(name, key) for name, key in keyed if name in STUDENT_REGIONS][:MAX_WATCHED_STUDENTS]
        if students:
            visible = set(import_string(settings.LIVE_VISIBLE_STUDENTS)(user, sorted({key for _, key in students})))
            groups += [student_region_group(user.pk, name, key) for name, key in students if key in visible]
        return groups


class NoSuchSocket(AsyncWebsocketConsumer):
    """Any other WebSocket address: refused, as an unknown page is a 404."""

    async def connect(self):
        await self.close()
