"""The one way anything is pushed to browsers: server-rendered HTML sent to a group after the transaction
commits, so no event ever describes a row that was rolled back."""

import asyncio
import collections
import logging
import os
import threading
import weakref

from asgiref.sync import SyncToAsync, async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.db import close_old_connections, transaction
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger(__name__)


def session_group(session_id, language):
    """Teachers watching a class session who read `language`: what they are sent is rendered in it."""
    return f"session.{session_id}.{language}"


def user_group(user_id, region=""):
    """Every open page of one user; with `region`, only those of their pages that show it (see REGIONS)."""
    return f"user.{user_id}.{region}" if region else f"user.{user_id}"


def sockets_group(user_id):
    """Every socket of one user, pages and session rooms alike, to close them all."""
    return f"user.{user_id}.sockets"


def session_watch_group(session_id, language):
    """Every open page that shows the state of this session (a badge in a list of sessions), read in `language`."""
    return f"session.{session_id}.watch.{language}"


# What a page may show besides the navigation bar's badge and toasts, which every page has. A page names
# its regions when it connects its personal socket, and is sent only fragments it has a target for.
REGIONS = {
    "notifications": "the notification centre's list",
    "checkin": "a student's check-in card",
}
# Regions of one student's data, named with the student (`grades-12`): a page of one child is not sent what
# changed for another, and a user joins one only for a student they may see (settings.LIVE_VISIBLE_STUDENTS).
STUDENT_REGIONS = {
    "grades": "a student's released grades (their own page, their parents' pages)",
    "behaviour": "a student's behaviour page (balance, records, participation)",
    "profile": "a student's profile (behaviour balance, participation, averages, score chart, timeline)",
}


def keyed_region(name, key):
    """The name of region `name` of one thing (a session, a student): `session-12`, `grades-7`."""
    return f"{name}-{key}"


def student_region_group(user_id, name, student_id):
    """The pages of one user that show region `name` of one student."""
    return user_group(user_id, keyed_region(name, student_id))


LOADER = "notifications/_loader.html"


def loader(*, loader_id, url, target, select="", select_oob=""):
    """A fragment that makes an open page fetch one of its regions again: swapped in by id (`loader_id`, an
    empty element the page has), it loads `url` into `target`, keeping `select` of the answer (and swapping
    `select_oob` in by id). Pushed instead of the region itself, it costs a render of a few bytes however much
    the region shows, and each page fetches its region as its own viewer, with the view's own scoping."""
    context = {"load": True, "loader_id": loader_id, "url": url, "target": target}
    return render_to_string(LOADER, context | {"select": select, "select_oob": select_oob})


# The parts of a student's profile that follow live, swapped in by id beside its summary cards: a change of
# behaviour, participation or released scores reaches them all in one fetch.
PROFILE_LIVE_PARTS = "#profile-courses,#profile-subjects,#chart-data,#profile-timeline"


def student_profile_loader(student_id):
    """The loader that makes an open profile of a student fetch its live parts again (`reports`' page, named
    here with the region: behaviour and grades both push it, and neither may import `reports`)."""
    return loader(
        loader_id=f"profile-{student_id}-loader",
        url=reverse("reports:student_profile", args=[student_id]),
        target="#profile-summary",
        select="#profile-summary",
        select_oob=PROFILE_LIVE_PARTS,
    )


def _sockets_loop():
    """The event loop of this process's sockets when the caller runs in a thread it lent (a view under daphne,
    a service a consumer test calls); None elsewhere (a management command)."""
    local = SyncToAsync.threadlocal
    loop = getattr(local, "main_event_loop", None)
    if loop is not None and getattr(local, "main_event_loop_pid", None) == os.getpid() and loop.is_running():
        return loop
    return None


# Events published in one round trip to Redis at most (the first of a burst need not wait for the last).
BATCH = 200


async def _group_send(group, html, event_type="fragment"):
    await get_channel_layer().group_send(group, {"type": event_type, "html": html})


async def _group_send_many(events):
    """[(group, message)] in order: in one pipeline when the layer can (notifications.layers), else one by one."""
    layer = get_channel_layer()
    if hasattr(layer, "group_send_many"):
        await layer.group_send_many(events)
        return
    for group, message in events:
        await layer.group_send(group, message)


class _Outbox:
    """What one event loop has to publish. Any thread adds to it without waiting; the loop sends, in order,
    everything that has gathered since its last send, BATCH at a time: the events a lecture hall's validation
    pushes at commit go in a few round trips, not thousands."""

    def __init__(self, loop):
        self.loop = loop
        self.events = collections.deque()
        self.lock = threading.Lock()
        self.sending = False

    def put(self, group, message):
        with self.lock:
            self.events.append((group, message))
            if self.sending:
                return
            self.sending = True
        self.loop.call_soon_threadsafe(self._start)

    def _start(self):
        self.loop.create_task(self._send_all())

    async def _send_all(self):
        while True:
            with self.lock:
                if not self.events:
                    self.sending = False
                    return
                batch = [self.events.popleft() for _ in range(min(BATCH, len(self.events)))]
            try:
                await _group_send_many(batch)
            except Exception:
                # The rows are committed; pages re-sync when their sockets reconnect, so a lost push loses nothing.
                groups = sorted({group for group, _message in batch})
                logger.exception("Live push to %s failed", ", ".join(groups[:5]) + (" ..." if len(groups) > 5 else ""))


_outboxes = weakref.WeakKeyDictionary()  # event loop -> its _Outbox
_outboxes_lock = threading.Lock()


def _outbox(loop):
    with _outboxes_lock:
        if loop not in _outboxes:
            _outboxes[loop] = _Outbox(loop)
        return _outboxes[loop]


def _send(group, html, event_type="fragment"):
    """Hand the event to the sockets' loop without waiting for it (in order: the loop sends what it is handed
    first, first), or, with no such loop, send it and wait."""
    loop = _sockets_loop()
    if loop is not None:
        _outbox(loop).put(group, {"type": event_type, "html": html})
        return
    try:
        async_to_sync(_group_send)(group, html, event_type)
    except Exception:
        # The row is committed; the page re-syncs when its socket reconnects, so a lost push loses nothing.
        logger.exception("Live push to %s failed", group)


def push(group, html):
    """Send `html` (elements swapped in by id) to everyone in `group` once the current transaction commits.

    `html` may be a function, called at commit: for what must be read after commit, like counters that
    concurrent check-ins change.
    """
    transaction.on_commit(lambda: _send(group, (html() if callable(html) else html).strip()))


_waiting = set()
_waiting_lock = threading.Lock()


def push_latest(group, render, *, key, within):
    """After commit, send `render()` to `group` within `within` seconds. Asked again for the same `key` before
    it goes, it still goes once, rendered as it goes, so it shows the state after every change asked for: a
    lecture hall's counters are read and rendered a few times a second, not at every check-in. With no
    sockets' loop to wait on (a management command), it goes at once."""

    def schedule():
        loop = _sockets_loop()
        if loop is None:
            _send(group, render().strip())
            return
        key_here = (id(loop), key)
        with _waiting_lock:
            if key_here in _waiting:
                return
            _waiting.add(key_here)
        loop.call_soon_threadsafe(loop.call_later, within, _render_then_send, group, render, key_here)

    transaction.on_commit(schedule)


def _log_failure(group):
    def check(future):
        if not future.cancelled() and future.exception() is not None:
            logger.error("Live push to %s failed", group, exc_info=future.exception())

    return check


def _render_then_send(group, render, key):
    async def go():
        with _waiting_lock:
            _waiting.discard(key)
        html = await sync_to_async(_render_and_release, thread_sensitive=False)(render)
        _outbox(asyncio.get_running_loop()).put(group, {"type": "fragment", "html": html})

    asyncio.ensure_future(go()).add_done_callback(_log_failure(group))


def _render_and_release(render):
    try:
        return render().strip()
    finally:
        # Outside a request nothing else returns this thread's database connection to the pool.
        close_old_connections()


def close_sockets(user_id):
    """After commit, close every open socket of the user (they logged out, changed their password): a page
    that reconnects is authorised anew, and one whose session has ended is refused."""

    transaction.on_commit(lambda: _send(sockets_group(user_id), "", "sockets.close"))
