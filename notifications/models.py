from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications import texts


class Kind(models.TextChoices):
    SESSION_CANCELLED = "session_cancelled", _("Session cancelled")
    SESSION_RESTORED = "session_restored", _("Session restored")
    JUSTIFICATION_SUBMITTED = "justification_submitted", _("Absence justification submitted")
    JUSTIFICATION_APPROVED = "justification_approved", _("Absence justification approved")
    JUSTIFICATION_DENIED = "justification_denied", _("Absence justification denied")
    CHECKIN_VALIDATED = "checkin_validated", _("Check-in validated")
    CHECKIN_REJECTED = "checkin_rejected", _("Check-in rejected")
    LOW_ATTENDANCE = "low_attendance", _("Low attendance")
    BEHAVIOUR_ESCALATION = "behaviour_escalation", _("Behaviour escalation")
    SCORES_RELEASED = "scores_released", _("Scores released")
    LOW_PERFORMANCE = "low_performance", _("Low performance")
    BEHAVIOUR_CONCERN = "behaviour_concern", _("Behavioural concern")


# Kinds sent by email unless the user says otherwise; a validated check-in is seen live and would be noise.
EMAIL_BY_DEFAULT = set(Kind) - {Kind.CHECKIN_VALIDATED}


class EmailStatus(models.TextChoices):
    """Where the email of a notification stands; blank when the user does not want this kind by email."""

    NONE = "", _("not emailed")
    QUEUED = "queued", _("queued")
    RETRYING = "retrying", _("retrying")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # What the kind's text is filled with, rendered in the reader's language (notifications.texts).
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("email status"), max_length=10, choices=EmailStatus.choices, blank=True, default=EmailStatus.NONE
    )
    email_attempts = models.PositiveSmallIntegerField(_("email attempts"), default=0)
    email_error = models.CharField(_("last email error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self):
        return f"{self.user} · {self.title}"

    @property
    def title(self):
        return texts.render(self.kind, self.params)[0]

    @property
    def body(self):
        return texts.render(self.kind, self.params)[1]

    @property
    def is_unread(self):
        return self.read_at is None


class Preference(models.Model):
    """Whether a user wants one kind of notification by email too (in-app is always on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    by_email = models.BooleanField(_("by email too"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self):
        return f"{self.user} · {self.kind} · {'email' if self.by_email else 'in-app'}"
