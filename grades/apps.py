from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradesConfig(AppConfig):
    name = "grades"
    verbose_name = _("Grades")

    def ready(self):
        from grades import notices  # noqa: F401  (how its notifications read: notifications.texts)
