from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BehaviourConfig(AppConfig):
    name = "behaviour"
    verbose_name = _("Behaviour and participation")

    def ready(self):
        from django.db.models.signals import post_save

        from accounts.models import Institution
        from behaviour import notices  # noqa: F401  (how its notifications read: notifications.texts)

        # accounts knows nothing of behaviour: a new institution's first categories are made from here.
        post_save.connect(_new_institution_categories, sender=Institution, dispatch_uid="behaviour_default_categories")


def _new_institution_categories(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from behaviour.services import categories_create_defaults

        categories_create_defaults(institution=instance)
