import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from attendance_system.validators import no_control_characters


def default_time_zone():
    return settings.TIME_ZONE


def default_language():
    return settings.LANGUAGE_CODE


def language_choices():
    return settings.LANGUAGES


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(zone)s is not a time zone; give one such as Europe/Paris."), params={"zone": value})


PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class InstitutionManager(models.Manager):
    def first_or_create(self):
        """The installation's first institution, made with the default settings on an empty installation."""
        return self.order_by("pk").first() or self.create(name="Institution", short_name="MAIN")


class Institution(models.Model):
    """A school or organisation: its people, courses, years and categories belong to it, nothing is seen across
    institutions, and its settings replace what were once installation-wide settings. Read its settings through
    accounts.selectors.institution_of and the one function per setting in the app that uses it."""

    name = models.CharField(_("name"), max_length=200, unique=True, validators=[no_control_characters])
    short_name = models.CharField(_("short name"), max_length=20, unique=True, validators=[no_control_characters])
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text=_("Times are shown in it, such as Europe/Paris or America/Sao_Paulo."),
    )
    language = models.CharField(
        _("default language"),
        max_length=10,
        choices=language_choices,
        default=default_language,
        help_text=_("For people who have not chosen their own."),
    )
    code_minutes = models.PositiveSmallIntegerField(
        _("default code validity (minutes)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("What a new course starts with."),
    )
    late_after_minutes = models.PositiveSmallIntegerField(
        _("default late after (minutes)"),
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(240)],
        help_text=_("What a new session starts with."),
    )
    risk_threshold = models.PositiveSmallIntegerField(
        _("default at-risk threshold (%)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("What a new course starts with."),
    )
    escalation_count = models.PositiveSmallIntegerField(
        _("behaviour escalation: records per level"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("Level k of 3 is reached at k times this many negative records within the window."),
    )
    escalation_days = models.PositiveSmallIntegerField(
        _("behaviour escalation: window (days)"), default=30, validators=[MinValueValidator(1)]
    )
    parents_see_negative = models.BooleanField(
        _("parents see negative behaviour records"),
        default=True,
        help_text=_("The student sees what their family sees."),
    )
    parents_see_negative_from = models.DateField(
        _("negative records shown from"),
        null=True,
        blank=True,
        help_text=_("Only those dated from this day; empty: all."),
    )
    high_performer_min_average = models.FloatField(
        _("high performer: lowest average (%)"), default=85.0, validators=PERCENT
    )
    high_performer_min_attendance = models.FloatField(
        _("high performer: lowest attendance rate (%)"), default=95.0, validators=PERCENT
    )
    low_performance_below = models.FloatField(
        _("low performance alert below average (%)"), default=60.0, validators=PERCENT
    )
    unused_account_days = models.PositiveSmallIntegerField(
        _("accounts unused after (days)"),
        default=365,
        validators=[MinValueValidator(7)],
        help_text=_("Accounts nobody has logged in to for this long are listed for deactivation in Django admin."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = InstitutionManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self):
        return self.name

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    TEACHER = "teacher", _("Teacher")
    STUDENT = "student", _("Student")
    PARENT = "parent", _("Parent")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        if "institution" not in extra_fields and "institution_id" not in extra_fields:
            # createsuperuser and self-registration: the installation's first institution.
            extra_fields["institution"] = Institution.objects.first_or_create()
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person who logs in with their email address; `role` decides what they see."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True, validators=[no_control_characters])
    last_name = models.CharField(_("last name"), max_length=150, blank=True, validators=[no_control_characters])
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="users", verbose_name=_("institution")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STUDENT)
    # NULL, not "", for accounts without a number: the unique constraint counts no NULL twice.
    student_number = models.CharField(  # noqa: DJ001
        _("student number"),
        max_length=32,
        null=True,
        blank=True,
        help_text=_("Students only; unique across the institution."),
    )
    language = models.CharField(
        _("language"), max_length=10, blank=True, help_text=_("For emails; empty means the institution's.")
    )
    children = models.ManyToManyField(
        "self",
        through="ParentLink",
        symmetrical=False,
        related_name="parents",
        blank=True,
        verbose_name=_("children"),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role=Role.STUDENT) | Q(student_number__isnull=True),
                name="student_number_only_for_students",
            ),
            models.UniqueConstraint(
                fields=["institution", "student_number"], name="unique_student_number_per_institution"
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.email.lower()
        if self.student_number == "":
            self.student_number = None
        # The constraint student_number_only_for_students guards the table; this says it to a person.
        if self.student_number and self.role != Role.STUDENT:
            raise ValidationError({"student_number": _("Only students have a student number.")})
        # So does unique_student_number_per_institution, also in forms that do not show the institution.
        same_number = User.objects.filter(institution_id=self.institution_id, student_number=self.student_number)
        if self.student_number and self.institution_id and same_number.exclude(pk=self.pk).exists():
            raise ValidationError({"student_number": _("Another account of the institution has this student number.")})

    @property
    def reading_language(self):
        """The language this user reads pages, notifications and emails in (accounts.selectors.language_of), for
        apps that see a user but do not import accounts."""
        from accounts.selectors import language_of

        return language_of(self)

    @property
    def is_admin(self):
        return self.role == Role.ADMIN or self.is_superuser

    @property
    def is_teacher(self):
        return self.role == Role.TEACHER

    @property
    def is_student(self):
        return self.role == Role.STUDENT

    @property
    def is_parent(self):
        return self.role == Role.PARENT


MAX_PARENTS = 2


class ParentLink(models.Model):
    """A parent (or guardian) who may follow a student's attendance."""

    parent = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="child_links", limit_choices_to={"role": Role.PARENT}
    )
    child = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="parent_links", limit_choices_to={"role": Role.STUDENT}
    )

    class Meta:
        verbose_name = _("parent link")
        verbose_name_plural = _("parent links")
        constraints = [models.UniqueConstraint(fields=["parent", "child"], name="unique_parent_child")]

    def __str__(self):
        return f"{self.parent} → {self.child}"

    def clean(self):
        if self.parent_id and not self.parent.is_parent:
            raise ValidationError({"parent": _("%(user)s is not a parent account.") % {"user": self.parent}})
        if self.child_id and not self.child.is_student:
            raise ValidationError({"child": _("%(user)s is not a student.") % {"user": self.child}})
        if self.parent_id and self.child_id and self.parent.institution_id != self.child.institution_id:
            raise ValidationError({"child": _("A parent and their child belong to one institution.")})
        others = ParentLink.objects.filter(child_id=self.child_id).exclude(pk=self.pk)
        if self.child_id and others.count() >= MAX_PARENTS:
            raise ValidationError({"child": _("%(child)s already has two parents linked.") % {"child": self.child}})


phone_number = RegexValidator(
    r"^\+?[0-9][0-9 ().-]{2,29}$",
    _("Enter a phone number: digits, spaces and + ( ) . - only, such as +33 6 12 34 56 78."),
    code="phone",
)


class Contact(models.Model):
    """A student's guardian or emergency contact, as the school's student record keeps them: shown to the
    student's teachers and administrators, kept by administrators and the student's parents."""

    student = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="contacts",
        limit_choices_to={"role": Role.STUDENT},
        verbose_name=_("student"),
    )
    name = models.CharField(_("name"), max_length=150, validators=[no_control_characters])
    relation = models.CharField(
        _("relation"),
        max_length=60,
        validators=[no_control_characters],
        help_text=_("Such as mother, uncle, neighbour."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_number])
    email = models.EmailField(_("email"), blank=True)
    is_emergency_contact = models.BooleanField(_("emergency contact"), default=False)
    position = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Contacts are listed by this number, lowest first: call them in this order.")
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("guardian or emergency contact")
        verbose_name_plural = _("guardians and emergency contacts")

    def __str__(self):
        return f"{self.name} ({self.relation})"

    def clean(self):
        if self.student_id and not self.student.is_student:
            raise ValidationError({"student": _("%(user)s is not a student.") % {"user": self.student}})
        if not (self.phone or self.email):
            raise ValidationError(_("Give a phone number or an email address, so that the contact can be reached."))


class LockKind(models.TextChoices):
    ACCOUNT = "account", _("Account")
    ADDRESS = "address", _("Network address")


class LoginLock(models.Model):
    """Logins refused until `until` for an account (the email typed, whether or not an account has it, so
    that a lock tells nothing) or for a network address, after too many wrong passwords. Made by
    `accounts.services.login_failed`; an administrator lifts it early in Django admin."""

    kind = models.CharField(_("kind"), max_length=10, choices=LockKind.choices)
    value = models.CharField(_("email or address"), max_length=254)
    until = models.DateTimeField(_("locked until"))
    locked_at = models.DateTimeField(_("locked at"), auto_now=True)

    class Meta:
        ordering = ["-until"]
        verbose_name = _("login lock")
        verbose_name_plural = _("login locks")
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="unique_login_lock")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"
