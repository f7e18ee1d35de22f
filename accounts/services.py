from itertools import zip_longest

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
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


def _import_errors(user):
    """What an imported account needs beyond the model's own rules: a name, and a number for a student."""
    errors = {
        name: [User._meta.get_field(name).error_messages["blank"]]
        for name in ("first_name", "last_name")
        if not getattr(user, name)
    }
    if user.role == Role.STUDENT and not user.student_number:
        errors["student_number"] = [_("A student needs a student number.")]
    return errors


def _readable(errors):
    """Every problem of a line, each after the name of its CSV column, in the file's column order."""
    order = {column: index for index, column in enumerate(USER_CSV_COLUMNS)}
    lines = sorted(errors.items(), key=lambda item: order.get(item[0], len(order)))
    return " ".join(
        " ".join(map(str, messages)) if field == NON_FIELD_ERRORS else f"{field}: {' '.join(map(str, messages))}"
        for field, messages in lines
    )


def _user_create_from_row(cells):
    """Create the user of one CSV line (its cells in USER_CSV_COLUMNS order, trailing empty ones perhaps left
    out), or raise DomainError with everything wrong with it.

    Saved at once, so that a later line repeating its email or student number fails the model's own unique
    check; users_import_csv rolls the whole file back if any line fails.
    """
    user = User(**dict(zip_longest(USER_CSV_COLUMNS, cells, fillvalue="")))
    user.set_unusable_password()
    errors = _import_errors(user)
    try:
        user.full_clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise DomainError(_readable(errors))
    user.save()
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
    users, errors = [], []
    for number, cells in rows[1:]:
        if len(cells) > len(header):
            errors.append(LineError(number, _("too many columns.")))
            continue
        try:
            users.append(_user_create_from_row(cells))
        except DomainError as error:
            errors.append(LineError(number, error.message))
    if errors:
        raise ImportRejected(errors)
    return users
