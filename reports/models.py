from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AlertReason(models.TextChoices):
    """Why a student is on an alert list of the progress dashboards and in the weekly alerts."""

    LOW_ATTENDANCE = "low_attendance", _("Low attendance")
    LOW_PERFORMANCE = "low_performance", _("Low performance")
    BEHAVIOUR = "behaviour", _("Behavioural concern")

    @property
    def badge(self):
        return {"low_attendance": "text-bg-danger", "low_performance": "text-bg-warning", "behaviour": "text-bg-dark"}[
            self.value
        ]

    @property
    def icon(self):
        return {"low_attendance": "bi-calendar-x", "low_performance": "bi-graph-down", "behaviour": "bi-flag"}[
            self.value
        ]


class AttendanceAlert(models.Model):
    """An alert sent for a student: at most one a week per student and reason (and course, for low attendance,
    which is per course)."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("student")
    )
    reason = models.CharField(
        _("reason"), max_length=20, choices=AlertReason.choices, default=AlertReason.LOW_ATTENDANCE
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("course")
    )
    rate = models.FloatField(
        _("figure"),
        null=True,
        blank=True,
        help_text=_("The attendance rate or the average score (%), or the number of negative records."),
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [models.Index(fields=["student", "course", "-sent_at"])]

    def __str__(self):
        where = f" · {self.course.code}" if self.course_id else ""
        return f"{self.student} · {self.reason_enum.label}{where}"

    @property
    def reason_enum(self):
        return AlertReason(self.reason)
