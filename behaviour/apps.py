from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BehaviourConfig(AppConfig):
    name = "behaviour"
    verbose_name = _("Behaviour and participation")

    def ready(self):
        from behaviour import notices  # noqa: F401  (how its notifications read: notifications.texts)
