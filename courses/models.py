import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution, Role
from attendance_system.validators import no_control_characters
from courses.limits import Override, clean_limits, validate_networks


class CheckinLimits(models.Model):
    """Where a check-in must come from: near a place (a radius around a point), from a list of networks."""

    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    radius = models.PositiveIntegerField(
        _("radius (metres)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(20), MaxValueValidator(5000)],
        help_text=_("Students must be this close to the place to check in (20 to 5,000 m)."),
    )
    allowed_networks = models.TextField(
        _("allowed networks"),
        blank=True,
        validators=[validate_networks],
        help_text=_(
            "Addresses or ranges (CIDR) that check-ins must come from, IPv4 or IPv6, one per line, "
            "e.g. 192.168.0.0/16. Empty: any network."
        ),
    )

    class Meta:
        abstract = True


class EarlyLeave(models.TextChoices):
    """What leaving early counts as (the values are attendance's statuses)."""

    PRESENT = "present", _("Present (only flagged)")
    LATE = "late", _("Late")
    ABSENT = "absent", _("Absent")


class AcademicYear(models.Model):
    """A school year (`2026-2027`) of an institution and its dates; its terms lie inside them."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="academic_years", verbose_name=_("institution")
    )
    name = models.CharField(_("name"), max_length=20, validators=[no_control_characters])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("academic year")
        verbose_name_plural = _("academic years")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="year_ends_after_start"),
            models.UniqueConstraint(fields=["institution", "name"], name="unique_year_name_per_institution"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": _("A year must end after it starts.")})


class Term(models.Model):
    """A term of a school year: inside the year's dates, overlapping none of its other terms."""

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="terms", verbose_name=_("year"))
    name = models.CharField(_("name"), max_length=50, validators=[no_control_characters])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="term_ends_after_start"),
            models.UniqueConstraint(fields=["year", "name"], name="unique_term_name_per_year"),
        ]

    def __str__(self):
        return f"{self.year} · {self.name}" if self.year_id else self.name

    def overlaps(self, other):
        """Whether the two terms share a day."""
        return self.starts_on <= other.ends_on and other.starts_on <= self.ends_on

    def check_inside(self, year):
        if year.starts_on and year.ends_on and (self.starts_on < year.starts_on or self.ends_on > year.ends_on):
            raise ValidationError(
                _("A term must lie inside its year (%(first)s to %(last)s).")
                % {"first": year.starts_on, "last": year.ends_on}
            )

    def clean(self):
        if not (self.starts_on and self.ends_on and self.year_id):
            return
        if self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A term must not end before it starts.")})
        self.check_inside(self.year)
        overlapping = next((t for t in self.year.terms.exclude(pk=self.pk) if self.overlaps(t)), None)
        if overlapping:
            raise ValidationError(_("This term overlaps %(term)s.") % {"term": overlapping.name})


class Course(CheckinLimits):
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="courses", verbose_name=_("institution")
    )
    code = models.CharField(_("code"), max_length=20, validators=[no_control_characters])
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    description = models.TextField(_("description"), blank=True)
    subject = models.CharField(
        _("subject"),
        max_length=100,
        blank=True,
        validators=[no_control_characters],
        help_text=_("Such as Mathematics; averages per subject group courses by it."),
    )
    term = models.ForeignKey(
        Term,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("term"),
    )
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="courses_taught",
        limit_choices_to={"role": Role.TEACHER},
        verbose_name=_("teachers"),
    )
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Enrollment",
        related_name="courses_enrolled",
        verbose_name=_("students"),
    )
    archived = models.BooleanField(_("archived"), default=False)
    code_minutes = models.PositiveSmallIntegerField(
        _("code validity (minutes)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("How long a check-in code stays valid."),
    )
    rotate_seconds = models.PositiveSmallIntegerField(
        _("rotate the projected code every (seconds)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(10), MaxValueValidator(60)],
        help_text=_("Leave empty for a fixed code. A rotating code is useless once texted to someone outside."),
    )
    auto_validate = models.BooleanField(
        _("validate code check-ins automatically"),
        default=False,
        help_text=_("Students are marked at once, with no review step."),
    )
    validate_pending_on_close = models.BooleanField(
        _("validate pending check-ins when the session closes"),
        default=False,
        help_text=_("Otherwise they stay pending for you to review."),
    )
    risk_threshold = models.PositiveSmallIntegerField(
        _("at-risk threshold (%)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Students whose attendance rate falls below it are marked at risk and alerted."),
    )
    checkout_required = models.BooleanField(
        _("students check out at the end"),
        default=False,
        help_text=_("With the check-out code you show at the end, or a Check out button in the last minutes."),
    )
    checkout_minutes = models.PositiveSmallIntegerField(
        _("check-out opens (minutes before the end)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_(
            "Students see a Check out button from then on; a check-out before then, or none, is leaving early."
        ),
    )
    early_leave_counts_as = models.CharField(
        _("leaving early counts as"), max_length=10, choices=EarlyLeave.choices, default=EarlyLeave.LATE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="unique_course_code_per_institution")
        ]

    def __str__(self):
        return f"{self.code} · {self.title}"

    def clean(self):
        clean_limits(self)
        if self.term_id and self.institution_id and self.term.year.institution_id != self.institution_id:
            raise ValidationError({"term": _("Choose a term of the course's institution.")})
        # The constraint unique_course_code_per_institution guards the table; this says it beside the field, also in
        # forms that do not show the institution.
        same_code = Course.objects.filter(institution_id=self.institution_id, code=self.code).exclude(pk=self.pk)
        if self.institution_id and self.code and same_code.exists():
            raise ValidationError({"code": _("Another course of the institution has this code.")})


class Enrollment(models.Model):
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrollments",
        limit_choices_to={"role": Role.STUDENT},
        verbose_name=_("student"),
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("course"))
    active = models.BooleanField(_("active"), default=True)
    enrolled_on = models.DateField(_("enrolled on"), default=timezone.localdate)

    class Meta:
        ordering = ["course", "student"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [models.UniqueConstraint(fields=["student", "course"], name="unique_enrollment")]

    def __str__(self):
        return f"{self.student} in {self.course.code}"

    def clean(self):
        if self.student_id and self.course_id and self.student.institution_id != self.course.institution_id:
            raise ValidationError({"student": _("Choose a student of the course's institution.")})


class SessionState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")

    @property
    def badge(self):
        tone = {"open": "success", "closed": "secondary", "cancelled": "danger"}.get(self.value, "light")
        return f"text-bg-{tone}"


def session_label(course_code, starts_at):
    """The course code and the local start, as people name a session, in the active language's formats:
    "MATH101 · Nov. 24, 2026 9 a.m."."""
    local = timezone.localtime(starts_at)
    return f"{course_code} · {date_format(local, 'DATE_FORMAT')} {time_format(local, 'TIME_FORMAT')}"


class ClassSession(CheckinLimits):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("course"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.CharField(_("room"), max_length=100, blank=True, validators=[no_control_characters])
    state = models.CharField(_("state"), max_length=10, choices=SessionState.choices, default=SessionState.SCHEDULED)
    late_after_minutes = models.PositiveSmallIntegerField(
        _("late after (minutes)"),
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(240)],
        help_text=_("A check-in this many minutes after the start counts as late."),
    )
    cancel_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)
    location_override = models.CharField(
        _("location check"),
        max_length=10,
        choices=Override.choices,
        default=Override.COURSE,
        help_text=_("Its own: the place below (another room or building). Off: a field trip, for instance."),
    )
    network_override = models.CharField(
        _("network check"),
        max_length=10,
        choices=Override.choices,
        default=Override.COURSE,
        help_text=_("Its own: the networks below."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("class session")
        verbose_name_plural = _("class sessions")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
        ]
        indexes = [models.Index(fields=["course", "starts_at"])]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.course.code} {local:%Y-%m-%d %H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A session must end after it starts.")})
        clean_limits(
            self,
            place_required=self.location_override == Override.OWN,
            networks_required=self.network_override == Override.OWN,
        )

    @property
    def label(self):
        return session_label(self.course.code, self.starts_at)

    @property
    def is_cancelled(self):
        return self.state == SessionState.CANCELLED

    @property
    def has_ended(self):
        return self.ends_at <= timezone.now()

    def checkout_opens_at(self, end=None):
        """When check-out opens: `checkout_minutes` before the end (the scheduled one unless `end` is given)."""
        return (end or self.ends_at) - timedelta(minutes=self.course.checkout_minutes)


def new_feed_token():
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret address of a user's iCalendar feed; a new token kills the old address."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.user} · calendar"
