from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from attendance_system.validators import no_control_characters


class AssessmentType(models.TextChoices):
    QUIZ = "quiz", _("Quiz")
    TEST = "test", _("Test")
    EXAM = "exam", _("Exam")
    ASSIGNMENT = "assignment", _("Assignment")
    PROJECT = "project", _("Project")

    @property
    def badge(self):
        tone = {"quiz": "info", "test": "primary", "exam": "danger", "assignment": "secondary", "project": "success"}
        return f"text-bg-{tone[self.value]}"


class Release(models.TextChoices):
    """When students and parents may see an assessment's scores."""

    NEVER = "never", _("Not yet")
    NOW = "now", _("Now")
    ON_DATE = "date", _("From a date")


class Marker(models.TextChoices):
    """A score cell that holds no number, and why."""

    NONE = "", _("None")
    EXCUSED = "excused", _("Excused")
    MISSING = "missing", _("Missing")

    @property
    def letter(self):
        """What the teacher types in a cell, and what the gradebook and exports show."""
        return {"": "", "excused": "EX", "missing": "M"}[self.value]

    @property
    def badge(self):
        return {"": "", "excused": "text-bg-info", "missing": "text-bg-warning"}[self.value]


def score_text(value, marker):
    """A score as a teacher types it and the pages and exports show it: the number, EX, M, or nothing."""
    if marker:
        return Marker(marker).letter
    return "" if value is None else f"{value.normalize():f}"


def released_q(today):
    """Assessments whose scores students and parents may see on `today`."""
    return Q(release=Release.NOW) | Q(release=Release.ON_DATE, release_on__lte=today)


class Assessment(models.Model):
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="assessments", verbose_name=_("course")
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    type = models.CharField(_("type"), max_length=12, choices=AssessmentType.choices, default=AssessmentType.TEST)
    date = models.DateField(_("date"), default=timezone.localdate)
    max_score = models.DecimalField(
        _("maximum score"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(100),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("How much it counts in the course average, against the other assessments (0: not at all)."),
    )
    term = models.ForeignKey(
        "courses.Term",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("term"),
    )
    release = models.CharField(
        _("students and parents see the scores"), max_length=5, choices=Release.choices, default=Release.NEVER
    )
    release_on = models.DateField(_("release date"), null=True, blank=True)
    # When students and parents were told the scores are out; cleared when they are withdrawn again.
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["course", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(max_score__gt=0), name="assessment_max_score_positive"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="assessment_weight_not_negative"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.release == Release.ON_DATE and not self.release_on:
            raise ValidationError({"release_on": _("Give the date from which the scores are shown.")})
        if self.release != Release.ON_DATE:
            self.release_on = None

    @property
    def type_enum(self):
        return AssessmentType(self.type)


class Score(models.Model):
    """One student's result on one assessment: a number, or a marker (excused, missing), or nothing yet."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="scores",
        limit_choices_to={"role": Role.STUDENT},
        verbose_name=_("student"),
    )
    value = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    marker = models.CharField(_("marker"), max_length=7, choices=Marker.choices, default=Marker.NONE, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "student"], name="one_score_per_student"),
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(marker=""), name="score_value_or_marker"),
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=0), name="score_not_negative"),
        ]

    def __str__(self):
        return f"{self.student} · {self.assessment}"


class ScoreChange(models.Model):
    """Every change of a score: who, from what, to what, when."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="changes")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    old_value = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    old_marker = models.CharField(max_length=7, choices=Marker.choices, blank=True)
    new_value = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    new_marker = models.CharField(max_length=7, choices=Marker.choices, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("score change")
        verbose_name_plural = _("score changes")

    def __str__(self):
        return f"{self.score}: {self.old_text or '—'} → {self.new_text or '—'}"

    @property
    def old_text(self):
        return score_text(self.old_value, self.old_marker)

    @property
    def new_text(self):
        return score_text(self.new_value, self.new_marker)


PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class GradingSettings(models.Model):
    """How a course turns scores into an average and a letter."""

    course = models.OneToOneField("courses.Course", on_delete=models.CASCADE, related_name="grading_settings")
    missing_counts_as_zero = models.BooleanField(
        _("missing work counts as zero"),
        default=True,
        help_text=_("Otherwise missing work is left out of the average, like excused work."),
    )
    a_from = models.PositiveSmallIntegerField(_("A from (%)"), default=90, validators=PERCENT)
    b_from = models.PositiveSmallIntegerField(_("B from (%)"), default=80, validators=PERCENT)
    c_from = models.PositiveSmallIntegerField(_("C from (%)"), default=70, validators=PERCENT)
    d_from = models.PositiveSmallIntegerField(_("D from (%)"), default=60, validators=PERCENT)

    class Meta:
        verbose_name = _("grading settings")
        verbose_name_plural = _("grading settings")

    def __str__(self):
        return str(self.course)

    def clean(self):
        if not (self.a_from > self.b_from > self.c_from > self.d_from):
            raise ValidationError(_("Each letter must start above the next: A above B above C above D."))

    def letter(self, percent):
        """The letter of an average in percent (None: no letter), as the pages show it: to one decimal, so that
        an average shown as 90.0 % is an A even when its sum of weighted floats came to 89.99999999999999."""
        if percent is None:
            return ""
        percent = round(percent, 1)
        for letter, lowest in (("A", self.a_from), ("B", self.b_from), ("C", self.c_from), ("D", self.d_from)):
            if percent >= lowest:
                return letter
        return "F"
