from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils.module_loading import import_string

from notifications.live import REGIONS, session_watch_group, sockets_group, user_group

MAX_WATCHED_SESSIONS = 200


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
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        """Browsers only listen on these sockets; anything they send is ignored."""

    async def fragment(self, event):
        await self.send(text_data=event["html"])

    async def sockets_close(self, event):
        """The user logged out or changed their password: this socket ends; a reconnect is authorised anew."""
        await self.close()


class PersonalConsumer(FragmentConsumer):
    """`/ws/me/?regions=notifications,checkin,session-12`: a logged-in user's notices (every page), and the
    regions the page shows: their own (`REGIONS`) and the state of sessions they may see."""

    def groups_for(self, user):
        query = parse_qs(self.scope.get("query_string", b"").decode(errors="replace"))
        wanted = set(",".join(query.get("regions", [])).split(","))
        groups = [user_group(user.pk), *(user_group(user.pk, region) for region in sorted(wanted & set(REGIONS)))]
        session_ids = sorted({int(r[8:]) for r in wanted if r.startswith("session-") and r[8:].isdigit()})
        if session_ids:
            visible = import_string(settings.LIVE_VISIBLE_SESSIONS)(user, session_ids[:MAX_WATCHED_SESSIONS])
            groups += [session_watch_group(pk) for pk in visible]
        return groups


class NoSuchSocket(AsyncWebsocketConsumer):
    """Any other WebSocket address: refused, as an unknown page is a 404."""

    async def connect(self):
        await self.close()
