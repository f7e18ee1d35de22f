import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import ClassSession

# No look-alikes: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6


class Status(models.TextChoices):
    """A record's status, with how every page and export shows it: a letter and a colour (`tone`)."""

    PENDING = "pending", _("Pending")
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")

    @classmethod
    def of(cls, value):
        """The status of a register cell: a held session without a record counts as absent."""
        return cls(value) if value else cls.ABSENT

    @property
    def letter(self):
        return {"pending": "?", "present": "P", "late": "L", "absent": "A", "excused": "E"}[self.value]

    @property
    def tone(self):
        """A Bootstrap colour name; `badge` is the class of a badge in it."""
        return {"pending": "secondary", "present": "success", "late": "warning", "absent": "danger"}.get(
            self.value, "info"
        )

    @property
    def badge(self):
        return f"text-bg-{self.tone}"


class Method(models.TextChoices):
    CODE = "code", _("Code")
    QR = "qr", _("QR code")
    MANUAL = "manual", _("Manual")


class Purpose(models.TextChoices):
    """What a code is for: a student types either kind in the same box."""

    CHECK_IN = "check_in", _("Check-in code")
    CHECK_OUT = "check_out", _("Check-out code")


def minutes_between(start, end) -> int:
    """Whole minutes from `start` to `end`: how long a student stayed, from check-in to check-out."""
    return int((end - start).total_seconds() // 60)


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_secret():
    return secrets.token_hex(16)


class AttendanceCode(models.Model):
    """The live code of a session. A new one ends the old one (`ended_at`).

    With `rotate_seconds` set, the code shown changes every period: it is derived from `secret` and the period
    number, so nothing has to be written as it turns.
    """

    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="codes", verbose_name=_("session"))
    code = models.CharField(_("code"), max_length=CODE_LENGTH, default=new_code)
    secret = models.CharField(_("secret"), max_length=32, default=new_secret)
    rotate_seconds = models.PositiveSmallIntegerField(_("rotates every (seconds)"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.CHECK_IN)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("check-in code")
        verbose_name_plural = _("check-in codes")
        constraints = [
            models.UniqueConstraint(
                fields=["session"], condition=models.Q(ended_at__isnull=True), name="one_live_code_per_session"
            )
        ]

    def __str__(self):
        return f"{self.session} · {self.code}"


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
    is_late = models.BooleanField(_("late check-in"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    left_early = models.BooleanField(
        _("left early"),
        default=False,
        help_text=_("Checked out too early, or not at all, in a course that requires it."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    browser_marker = models.CharField(_("browser marker"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True, help_text=_("The reason of a rejection."))
    # Where the browser said it was, when the session checked the place: the position, how accurate the browser
    # said it is, and how far it is from the place (all in metres but the position, in degrees).
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    accuracy = models.FloatField(_("accuracy (metres)"), null=True, blank=True)
    distance = models.FloatField(_("distance from the place (metres)"), null=True, blank=True)

    class Meta:
        ordering = ["session", "student"]
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        constraints = [models.UniqueConstraint(fields=["session", "student"], name="one_record_per_student_session")]
        indexes = [models.Index(fields=["session", "browser_marker"])]

    def __str__(self):
        return f"{self.student} · {self.session} · {self.get_status_display()}"

    @property
    def minutes(self):
        """Minutes from check-in to check-out; None before a check-out."""
        return minutes_between(self.submitted_at, self.checked_out_at) if self.checked_out_at else None


class ChangeReason(models.TextChoices):
    """Why a record's status changed, when the application says it (a rejection is in the teacher's words)."""

    CHECK_IN = "check_in", _("Check-in")
    VALIDATED = "validated", _("Validated")
    ROLL_CALL = "roll_call", _("Roll call")
    SESSION_CLOSED = "session_closed", _("Session closed")
    CHECK_OUT = "check_out", _("Check-out")
    CHECK_OUT_WITH_CODE = "check_out_code", _("Check-out with the code")
    LEFT_WITHOUT_CHECK_OUT = "left_no_check_out", _("Left early: did not check out")
    CHECKED_OUT_TOO_SOON = "left_too_soon", _("Left early: checked out before check-out opened")
    JUSTIFICATION_APPROVED = "justification", _("Justification approved")


class StatusChange(models.Model):
    """The history of a record: every change of status, who made it and why."""

    record = models.ForeignKey(
        AttendanceRecord, on_delete=models.CASCADE, related_name="changes", verbose_name=_("record")
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("changed by")
    )
    from_status = models.CharField(_("from"), max_length=10, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Status.choices)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    # Why, as a kind said in the reader's language (with its parameters), or in a person's own words (`reason`).
    reason_kind = models.CharField(_("why (kind)"), max_length=20, choices=ChangeReason.choices, blank=True)
    reason_params = models.JSONField(_("why (parameters)"), default=dict, blank=True)
    reason = models.CharField(_("why"), max_length=300, blank=True)
    justification = models.ForeignKey(
        "Justification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("justification"),
    )

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.from_status or '∅'} → {self.to_status}"

    @property
    def why(self):
        """Why, in the active language."""
        if self.reason_kind == ChangeReason.JUSTIFICATION_APPROVED:
            return _("Justification #%(number)d approved") % self.reason_params
        return ChangeReason(self.reason_kind).label if self.reason_kind else self.reason


class CodeLockout(models.Model):
    """Wrong codes a student typed for a session; at `MAX_WRONG_CODES` their code entry is locked."""

    session = models.ForeignKey(
        ClassSession, on_delete=models.CASCADE, related_name="lockouts", verbose_name=_("session")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("student")
    )
    failures = models.PositiveSmallIntegerField(_("wrong codes"), default=0)

    class Meta:
        verbose_name = _("code lockout")
        verbose_name_plural = _("code lockouts")
        constraints = [models.UniqueConstraint(fields=["session", "student"], name="one_lockout_per_student_session")]

    def __str__(self):
        return f"{self.student} · {self.session} · {self.failures}"


class Reason(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    FAMILY = "family", _("Family")
    OFFICIAL = "official", _("Official (court, exam, sport…)")
    OTHER = "other", _("Other")


class JustificationState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @property
    def badge(self):
        tone = {"pending": "warning", "approved": "success", "denied": "danger"}.get(self.value, "secondary")
        return f"text-bg-{tone}"


def document_path(instance, filename):
    # A random name with no extension: nothing about the upload's own name reaches the file system.
    return f"justifications/{uuid.uuid4().hex}"


class Document(models.Model):
    """A file attached to justifications; served only by a view that checks who asks."""

    file = models.FileField(_("file"), upload_to=document_path)
    original_name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.original_name

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


class Justification(models.Model):
    """A student's (or a parent's) request to excuse absences from sessions of one course."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="justifications", verbose_name=_("student")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("submitted by")
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="justifications", verbose_name=_("course")
    )
    sessions = models.ManyToManyField(ClassSession, related_name="justifications", verbose_name=_("sessions"))
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    explanation = models.TextField(_("explanation"), max_length=2000)
    document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="justifications"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=JustificationState.choices, default=JustificationState.PENDING
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("absence justification")
        verbose_name_plural = _("absence justifications")
        indexes = [models.Index(fields=["course", "state"])]

    def __str__(self):
        return f"{self.student} · {self.course.code} · {self.get_state_display()}"
