"""The one way anything is pushed to browsers: server-rendered HTML sent to a group after the transaction
commits, so no event ever describes a row that was rolled back."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def session_group(session_id):
    """Teachers watching a class session."""
    return f"session.{session_id}"


def user_group(user_id, region=""):
    """Every open page of one user; with `region`, only those of their pages that show it (see REGIONS)."""
    return f"user.{user_id}.{region}" if region else f"user.{user_id}"


def session_watch_group(session_id):
    """Every open page that shows the state of this session (a badge in a list of sessions)."""
    return f"session.{session_id}.watch"


# What a page may show besides the navigation bar's badge and toasts, which every page has. A page names
# its regions when it connects its personal socket, and is sent only fragments it has a target for.
REGIONS = {
    "notifications": "the notification centre's list",
    "checkin": "a student's check-in card",
}


def _send(group, html):
    try:
        async_to_sync(get_channel_layer().group_send)(group, {"type": "fragment", "html": html})
    except Exception:
        # The row is committed; the page re-syncs when its socket reconnects, so a lost push loses nothing.
        logger.exception("Live push to %s failed", group)


def push(group, html):
    """Send `html` (elements swapped in by id) to everyone in `group` once the current transaction commits.

    `html` may be a function, called at commit: for what must be read after commit, like counters that
    concurrent check-ins change.
    """
    transaction.on_commit(lambda: _send(group, (html() if callable(html) else html).strip()))
