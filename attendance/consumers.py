from courses.selectors import sessions_managed_by
from notifications.consumers import FragmentConsumer
from notifications.live import session_group


class SessionConsumer(FragmentConsumer):
    """`/ws/sessions/<id>/`: submissions, validations and counters, for the teachers of that course only."""

    def groups_for(self, user):
        session_id = self.scope["url_route"]["kwargs"]["session_id"]
        if sessions_managed_by(user).filter(pk=session_id).exists():
            return [session_group(session_id, user.reading_language)]
        return []
