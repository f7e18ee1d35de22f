from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import ParentLink, Role, User
from attendance_system.csvimport import ImportRejected, LineError, read_rows
from attendance_system.errors import DomainError

USER_CSV_COLUMNS = ["email", "first_name", "last_name", "role", "student_number"]


@transaction.atomic
def student_register(*, email, first_name, last_name, student_number, password):
    """Self-registration: the account is always a student's."""
    user = User(
        email=email.lower(),
        first_name=first_name,
        last_name=last_name,
        student_number=student_number,
        role=Role.STUDENT,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def profile_update(*, user, first_name, last_name, language=""):
    user.first_name = first_name
    user.last_name = last_name
    user.language = language
    user.full_clean()
    user.save(update_fields=["first_name", "last_name", "language"])
    return user


@transaction.atomic
def parent_link_add(*, parent, child):
    """Link a parent to a student (at most two parents per student; the rule is ParentLink.clean)."""
    existing = ParentLink.objects.filter(parent=parent, child=child).first()
    if existing:
        return existing
    # Lock the child so two concurrent links cannot both pass the count.
    User.objects.select_for_update().get(pk=child.pk)
    link = ParentLink(parent=parent, child=child)
    try:
        link.full_clean()
    except ValidationError as error:
        raise DomainError(" ".join(error.messages))
    link.save()
    return link


def _user_from_row(cells, header, seen_emails, seen_numbers):
    row = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True))
    email = row["email"].lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("“%(email)s” is not a valid email address.") % {"email": row["email"]})
    if email in seen_emails or User.objects.filter(email__iexact=email).exists():
        raise DomainError(_("a user with the email %(email)s already exists.") % {"email": email})
    if row["role"] not in Role.values:
        raise DomainError(
            _("unknown role “%(role)s”; use one of %(roles)s.") % {"role": row["role"], "roles": ", ".join(Role.values)}
        )
    if not row["first_name"] or not row["last_name"]:
        raise DomainError(_("first and last name are required."))
    number = row["student_number"] or None
    if row["role"] == Role.STUDENT:
        if not number:
            raise DomainError(_("a student needs a student number."))
        if number in seen_numbers or User.objects.filter(student_number=number).exists():
            raise DomainError(_("the student number %(number)s is already taken.") % {"number": number})
    elif number:
        raise DomainError(_("only students have a student number."))
    seen_emails.add(email)
    if number:
        seen_numbers.add(number)
    user = User(
        email=email, first_name=row["first_name"], last_name=row["last_name"], role=row["role"], student_number=number
    )
    user.set_unusable_password()
    return user


@transaction.atomic
def users_import_csv(*, upload=None, text=None):
    """Create users from a CSV with the header `USER_CSV_COLUMNS`; all lines good, or nothing at all.

    The accounts have no usable password: people set theirs with "Forgot your password?".
    """
    rows = list(read_rows(upload=upload, text=text))
    if not rows:
        raise ImportRejected([LineError(0, _("The file is empty."))])
    header_line, header = rows[0]
    header = [h.lower() for h in header]
    if header != USER_CSV_COLUMNS:
        raise ImportRejected(
            [LineError(header_line, _("the header must be: %(columns)s.") % {"columns": ",".join(USER_CSV_COLUMNS)})]
        )
    users, errors, seen_emails, seen_numbers = [], [], set(), set()
    for number, cells in rows[1:]:
        if len(cells) > len(header):
            errors.append(LineError(number, _("too many columns.")))
            continue
        try:
            users.append(_user_from_row(cells, header, seen_emails, seen_numbers))
        except DomainError as error:
            errors.append(LineError(number, error.message))
    if errors:
        raise ImportRejected(errors)
    return User.objects.bulk_create(users)
