import hashlib
import math
from datetime import timedelta
from itertools import zip_longest

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Institution, LockKind, LoginLock, ParentLink, Role, User
from attendance_system import counters
from attendance_system.csvimport import ImportRejected, LineError, read_rows
from attendance_system.errors import DomainError
from notifications import live

USER_CSV_COLUMNS = ["email", "first_name", "last_name", "role", "student_number"]


@transaction.atomic
def institution_create(*, institution, admin_email, admin_first_name, admin_last_name):
    """A new institution (platform administrators) and its first administrator, who sets their password with
    "Forgot your password?" and then manages the institution, in the app and in Django admin."""
    institution.full_clean()
    institution.save()
    admin = User(
        institution=institution,
        email=admin_email.lower(),
        first_name=admin_first_name,
        last_name=admin_last_name,
        role=Role.ADMIN,
        is_staff=True,
    )
    admin.set_unusable_password()
    try:
        admin.full_clean()
    except ValidationError as error:
        raise DomainError(" ".join(error.messages))
    admin.save()
    return institution


@transaction.atomic
def student_register(*, email, first_name, last_name, student_number, password):
    """Self-registration: the account is always a student's, of the installation's first institution."""
    user = User(
        institution=Institution.objects.first_or_create(),
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
def language_adopt(*, user, language):
    """Make `language` the user's own when they have none and the site offers it."""
    if not user.language and language in dict(settings.LANGUAGES):
        user.language = language
        user.save(update_fields=["language"])
    return user


# What a user's live sockets were let in for depends on these: a change ends the sockets, and the pages that
# reconnect are authorised under the new rights (an inactive or deleted account is refused).
SOCKET_RIGHTS = ("role", "is_active", "is_superuser")


@transaction.atomic
def user_save(*, user):
    """Save a user as an administrator edited them (Django admin); a change of role, of is_active or of
    is_superuser closes their live sockets."""
    before = User.objects.filter(pk=user.pk).values(*SOCKET_RIGHTS).first() if user.pk else None
    user.save()
    if before is not None and any(before[name] != getattr(user, name) for name in SOCKET_RIGHTS):
        live.close_sockets(user.pk)
    return user


@transaction.atomic
def users_deactivate(*, users):
    """Deactivate accounts (Django admin): they can no longer log in, their sessions end, their live sockets
    close, and everything they did stays. Returns how many were active."""
    count = 0
    for user in users:
        if user.is_active:
            user.is_active = False
            user_save(user=user)
            count += 1
    return count


@transaction.atomic
def users_delete(*, users):
    """Delete accounts (Django admin); their live sockets close."""
    for user in users:
        live.close_sockets(user.pk)
        user.delete()


def users_lock(users):
    """Lock the users' rows until the transaction ends, in id order so that two lockers cannot deadlock: work
    that counts a user's rows and acts on the count (a student's escalation, a child's parents) waits for
    another doing the same, and then sees what it wrote."""
    list(User.objects.select_for_update().filter(pk__in={user.pk for user in users}).order_by("pk").values("pk"))


@transaction.atomic
def parent_links_delete(*, links):
    """Unlink parents from children: each parent's live sockets close, since they were let into their former
    child's session rooms, and their pages reconnect under what they may see now."""
    links = list(links)
    ParentLink.objects.filter(pk__in=[link.pk for link in links]).delete()
    for parent_id in {link.parent_id for link in links}:
        live.close_sockets(parent_id)


@transaction.atomic
def contacts_update(*, student, saved=(), deleted=()):
    """Keep a student's guardians and emergency contacts: save the `saved` ones (new or changed) and delete the
    `deleted` ones, all or nothing. Every contact must be the student's."""
    for contact in [*saved, *deleted]:
        if contact.student_id not in (None, student.pk):
            raise DomainError(_("That contact is not %(student)s's.") % {"student": student})
    for contact in deleted:
        if contact.pk:
            contact.delete()
    for contact in saved:
        contact.student = student
        contact.full_clean()
        contact.save()
    return list(student.contacts.all())


@transaction.atomic
def parent_link_add(*, parent, child):
    """Link a parent to a student (at most two parents per student; the rule is ParentLink.clean)."""
    existing = ParentLink.objects.filter(parent=parent, child=child).first()
    if existing:
        return existing
    # Lock the child so two concurrent links cannot both pass the count.
    users_lock([child])
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


def _user_create_from_row(cells, institution):
    """Create the user of one CSV line (its cells in USER_CSV_COLUMNS order, trailing empty ones perhaps left
    out), or raise DomainError with everything wrong with it.

    Saved at once, so that a later line repeating its email or student number fails the model's own unique
    check; users_import_csv rolls the whole file back if any line fails.
    """
    user = User(institution=institution, **dict(zip_longest(USER_CSV_COLUMNS, cells, fillvalue="")))
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
def users_import_csv(*, institution, upload=None, text=None):
    """Create users of `institution` from a CSV with the header `USER_CSV_COLUMNS`; all lines good, or nothing
    at all.

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
            users.append(_user_create_from_row(cells, institution))
        except DomainError as error:
            errors.append(LineError(number, error.message))
    if errors:
        raise ImportRejected(errors)
    return users


def _lock_duration():
    return timedelta(minutes=settings.LOGIN_LOCK_MINUTES)


def _counter_key(kind, value):
    """Attempts on an account (hashed: the email typed may be anything) or failures from an address."""
    if kind == LockKind.ACCOUNT:
        return "login-attempts:" + hashlib.sha256(value.encode()).hexdigest()
    return f"login-failures:{value}"


def _count(key):
    """One more in `key`, which counts for a lock's duration from its first count; atomic, so simultaneous
    requests each get a number of their own."""
    [count] = counters.count({key: (settings.LOGIN_LOCK_MINUTES * 60, 0)})
    return count


def _locked_message(kind, until, now):
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    if kind == LockKind.ACCOUNT:
        message = ngettext(
            "Too many failed logins for this account: it is locked for %(minutes)d more minute. "
            "“Forgot your password?” unlocks it now, or ask an administrator.",
            "Too many failed logins for this account: it is locked for %(minutes)d more minutes. "
            "“Forgot your password?” unlocks it now, or ask an administrator.",
            minutes,
        )
    else:
        message = ngettext(
            "Too many failed logins from your network: logins from it are locked for %(minutes)d more minute. "
            "Ask an administrator if you cannot wait.",
            "Too many failed logins from your network: logins from it are locked for %(minutes)d more minutes. "
            "Ask an administrator if you cannot wait.",
            minutes,
        )
    return message % {"minutes": minutes}


def login_begin(*, email, address, now=None):
    """Before a password is compared: refuse while the account or the network address is locked.

    The attempt counts against the account before the comparison, so that of many simultaneous guesses no
    more than LOGIN_FAILURES_PER_ACCOUNT are compared; `login_succeeded` clears the count. An address counts
    only failures (`login_failed`): a lecture hall behind one router logs in from one address at once.
    """
    now = now or timezone.now()
    email = email.lower()
    lock = (
        LoginLock.objects.filter(until__gt=now)
        .filter(Q(kind=LockKind.ACCOUNT, value=email) | Q(kind=LockKind.ADDRESS, value=address))
        .first()
    )
    if lock is not None:
        raise DomainError(_locked_message(lock.kind, lock.until, now))
    if _count(_counter_key(LockKind.ACCOUNT, email)) > settings.LOGIN_FAILURES_PER_ACCOUNT:
        raise DomainError(_locked_message(LockKind.ACCOUNT, now + _lock_duration(), now))


def _lock(kind, value, now):
    LoginLock.objects.filter(until__lte=now).delete()
    LoginLock.objects.update_or_create(kind=kind, value=value, defaults={"until": now + _lock_duration()})


@transaction.atomic
def login_failed(*, email, address, now=None):
    """A wrong password (or an unknown email: both count alike, so a lock tells nothing): lock the account
    at its LOGIN_FAILURES_PER_ACCOUNT-th attempt in a row, the address at its LOGIN_FAILURES_PER_ADDRESS-th
    failure, for LOGIN_LOCK_MINUTES."""
    now = now or timezone.now()
    email = email.lower()
    if (cache.get(_counter_key(LockKind.ACCOUNT, email)) or 0) >= settings.LOGIN_FAILURES_PER_ACCOUNT:
        _lock(LockKind.ACCOUNT, email, now)
    if address and _count(_counter_key(LockKind.ADDRESS, address)) >= settings.LOGIN_FAILURES_PER_ADDRESS:
        _lock(LockKind.ADDRESS, address, now)


def login_succeeded(*, email):
    """The right password: the account's count of attempts starts again."""
    cache.delete(_counter_key(LockKind.ACCOUNT, email.lower()))


@transaction.atomic
def login_unlock(*, kind, value):
    """Lift a lock (an administrator, or a new password: `password_changed`) and its count."""
    value = value.lower() if kind == LockKind.ACCOUNT else value
    LoginLock.objects.filter(kind=kind, value=value).delete()
    cache.delete(_counter_key(kind, value))


def password_changed(*, user):
    """After a new password, by any path (their own change, the emailed reset link, an administrator): the
    live sockets opened under the old one close (a browser whose session Django ended is refused when its
    pages reconnect), and the account's login lock lifts, since whoever set it holds the account: someone
    locking it out by guessing cannot keep its owner out past "Forgot your password?"."""
    live.close_sockets(user.pk)
    login_unlock(kind=LockKind.ACCOUNT, value=user.email)
