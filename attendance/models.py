from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models import ClassSession


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class Method(models.TextChoices):
    CODE = "code", _("Code")
    QR = "qr", _("QR code")
    MANUAL = "manual", _("Manual")


class AttendanceRecord(models.Model):
    """One student's attendance at one session.

    Records are protected: a course or session that has any cannot be deleted, only archived or cancelled.
    """

    session = models.ForeignKey(
        ClassSession, on_delete=models.PROTECT, related_name="records", verbose_name=_("session")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendance_records", verbose_name=_("student")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.MANUAL)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["session", "student"]
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        constraints = [models.UniqueConstraint(fields=["session", "student"], name="one_record_per_student_session")]

    def __str__(self):
        return f"{self.student} · {self.session} · {self.get_status_display()}"
