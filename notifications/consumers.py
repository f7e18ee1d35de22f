from asgiref.sync import async_to_sync
from channels.generic.websocket import WebsocketConsumer

from notifications.live import user_group


class FragmentConsumer(WebsocketConsumer):
    """Authorise from the scope, join groups, forward pushed fragments. No business rule lives here."""

    def groups_for(self, user):
        """The groups this user may join on this socket; an empty list refuses the connection."""
        raise NotImplementedError

    def connect(self):
        user = self.scope["user"]
        self.joined = self.groups_for(user) if user.is_authenticated else []
        if not self.joined:
            self.close()
            return
        for group in self.joined:
            async_to_sync(self.channel_layer.group_add)(group, self.channel_name)
        self.accept()

    def disconnect(self, code):
        for group in getattr(self, "joined", []):
            async_to_sync(self.channel_layer.group_discard)(group, self.channel_name)

    def receive(self, text_data=None, bytes_data=None):
        """Browsers only listen on these sockets; anything they send is ignored."""

    def fragment(self, event):
        self.send(text_data=event["html"])


class PersonalConsumer(FragmentConsumer):
    """`/ws/me/`: a logged-in user's own validations and notices."""

    def groups_for(self, user):
        return [user_group(user.pk)]
