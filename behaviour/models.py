from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution
from attendance_system.validators import no_control_characters
from courses.models import Course


def not_in_future(value):
    """What is recorded has happened: a date after today is refused."""
    if value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future")


class Polarity(models.TextChoices):
    """Whether a record praises or concerns, with how every page shows it."""

    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")

    @property
    def tone(self):
        return "success" if self == Polarity.POSITIVE else "danger"

    @property
    def badge(self):
        return f"text-bg-{self.tone}"

    @property
    def icon(self):
        return "bi-hand-thumbs-up" if self == Polarity.POSITIVE else "bi-exclamation-triangle"


class CategoryUse(models.TextChoices):
    """Which polarities a category may be recorded with."""

    POSITIVE = "positive", _("Positive only")
    NEGATIVE = "negative", _("Negative only")
    BOTH = "both", _("Positive or negative")

    def allows(self, polarity):
        return self == CategoryUse.BOTH or self.value == polarity


class Category(models.Model):
    """A kind of behaviour an institution's administrators keep (participation, homework, discipline, ...)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="behaviour_categories", verbose_name=_("institution")
    )
    name = models.CharField(_("name"), max_length=60, validators=[no_control_characters])
    use = models.CharField(_("used for"), max_length=10, choices=CategoryUse.choices, default=CategoryUse.BOTH)
    active = models.BooleanField(_("active"), default=True, help_text=_("Inactive categories stay on old records."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("behaviour category")
        verbose_name_plural = _("behaviour categories")
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="unique_category_name_per_institution")
        ]

    def __str__(self):
        return self.name


class BehaviourRecord(models.Model):
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="behaviour_records", verbose_name=_("student")
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="behaviour_records", verbose_name=_("course")
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="records", verbose_name=_("category"))
    polarity = models.CharField(_("positive or negative"), max_length=10, choices=Polarity.choices)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    date = models.DateField(_("date"), default=timezone.localdate, validators=[not_in_future])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("behaviour record")
        verbose_name_plural = _("behaviour records")
        indexes = [
            models.Index(fields=["student", "polarity", "date"]),
            models.Index(fields=["course", "date"]),
        ]

    def __str__(self):
        return f"{self.student} · {self.category} · {self.date}"

    def clean(self):
        if self.category_id and self.polarity and not CategoryUse(self.category.use).allows(self.polarity):
            message = _("%(category)s cannot be recorded as %(polarity)s.") % {
                "category": self.category,
                "polarity": Polarity(self.polarity).label.lower(),
            }
            raise ValidationError({"polarity": message})

    @property
    def polarity_enum(self):
        return Polarity(self.polarity)


MAX_LEVEL = 3


class EscalationLevel(models.Model):
    """A level of concern a student reached (as Gibbon's behaviour letters): level k is reached when the student
    has k x their institution's escalation_count negative records dated within its last escalation_days days.
    Its row is what keeps the notice from being sent twice."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="escalation_levels", verbose_name=_("student")
    )
    level = models.PositiveSmallIntegerField(_("level"))
    course = models.ForeignKey(
        Course, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("course of the last record")
    )
    reached_at = models.DateTimeField(_("reached at"), default=timezone.now)
    records_counted = models.PositiveSmallIntegerField(_("negative records counted"))

    class Meta:
        ordering = ["-reached_at", "-level"]
        verbose_name = _("escalation level")
        verbose_name_plural = _("escalation levels")
        indexes = [models.Index(fields=["student", "level", "reached_at"])]

    def __str__(self):
        return f"{self.student} · {self.level}"


class ParticipationStatus(models.TextChoices):
    """How a student took part in an event, with how every page shows it."""

    PARTICIPATED = "participated", _("Participated")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")
    AWARD = "award", _("Award")

    @property
    def tone(self):
        return {"participated": "success", "absent": "danger", "excused": "info", "award": "warning"}[self.value]

    @property
    def badge(self):
        return f"text-bg-{self.tone}"

    @property
    def icon(self):
        return {"participated": "bi-check-lg", "absent": "bi-x-lg", "excused": "bi-slash-circle", "award": "bi-trophy"}[
            self.value
        ]


class Event(models.Model):
    """Something students take part in beside lessons: a science fair, a match, a trip. It may belong to a course."""

    name = models.CharField(_("event"), max_length=200, validators=[no_control_characters])
    date = models.DateField(_("date"), default=timezone.localdate, validators=[not_in_future])
    course = models.ForeignKey(
        Course, on_delete=models.SET_NULL, null=True, blank=True, related_name="events", verbose_name=_("course")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return f"{self.name} · {self.date}"


class Participation(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations", verbose_name=_("event"))
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations", verbose_name=_("student")
    )
    status = models.CharField(_("status"), max_length=12, choices=ParticipationStatus.choices)
    remarks = models.CharField(_("remarks"), max_length=255, blank=True, validators=[no_control_characters])

    class Meta:
        ordering = ["event", "student__last_name", "student__first_name"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["event", "student"], name="one_participation_per_event")]

    def __str__(self):
        return f"{self.student} · {self.event.name}"

    @property
    def status_enum(self):
        return ParticipationStatus(self.status)
