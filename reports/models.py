from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AttendanceAlert(models.Model):
    """A low-attendance alert sent for a student in a course; at most one a week per student and course."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("student")
    )
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+", verbose_name=_("course"))
    rate = models.FloatField(_("rate (%)"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("attendance alert")
        verbose_name_plural = _("attendance alerts")
        indexes = [models.Index(fields=["student", "course", "-sent_at"])]

    def __str__(self):
        return f"{self.student} · {self.course.code} · {self.rate:.0f} %"
