from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import capfirst

from accounts.models import Institution, ParentLink, Role, User


def institution_of(user):
    """The institution whose data `user` sees and whose settings apply to them: their own. The one rule every
    scoped query starts from; a platform administrator (superuser) too sees only their own in the app, and every
    institution in Django admin."""
    return user.institution


def institutions():
    """Every institution, for the work done for each (alerts) and the platform administrator's figures."""
    return Institution.objects.all()


def users_of(institution):
    """The accounts of an institution: the one scope of every query of people."""
    return User.objects.filter(institution=institution)


def children_of(parent):
    """The students a parent follows."""
    return users_of(institution_of(parent)).filter(role=Role.STUDENT, parent_links__parent=parent)


def parents_of(*students):
    return User.objects.filter(role=Role.PARENT, child_links__child__in=students).distinct()


def administrators(institution):
    """The active users who administer `institution`: its administrators, and a platform administrator whose
    own institution it is (institution_of)."""
    return users_of(institution).filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)


def user_by_identifier(identifier, *, institution):
    """The user of `institution` with this email or student number, or None."""
    identifier = identifier.strip()
    users = users_of(institution)
    if "@" in identifier:
        return users.filter(email__iexact=identifier).first()
    return users.filter(student_number=identifier).first()


def children_visible_to(user):
    """The students whose family page a user may open: a parent their children, an administrator all."""
    if user.is_admin:
        return users_of(institution_of(user)).filter(role=Role.STUDENT)
    if user.is_parent:
        return children_of(user)
    return User.objects.none()


def contacts_of(student):
    """A student's guardians and emergency contacts, in the order to call them."""
    return student.contacts.all()


def role_counts(institution):
    """{role: number of active users of the institution}."""
    counts = dict.fromkeys(Role.values, 0)
    for row in users_of(institution).filter(is_active=True).values("role").annotate(n=models.Count("pk")):
        counts[row["role"]] = row["n"]
    return counts


def parents_by_child(students):
    """{child id: [parent, ...]} for `students`, in one query."""
    found = {}
    links = ParentLink.objects.filter(child__in=students).select_related("parent").order_by("parent_id")
    for link in links:
        found.setdefault(link.child_id, []).append(link.parent)
    return found


def unused_accounts(users, *, now=None):
    """Those of `users` still active that nobody has logged in to for their institution's unused_account_days
    (counted from the account's creation when it was never used)."""
    now = now or timezone.now()
    unused = Q(pk__in=[])
    for institution in institutions().filter(pk__in=users.values("institution")):
        before = now - timedelta(days=institution.unused_account_days)
        unused |= Q(institution=institution) & (
            Q(last_login__lt=before) | Q(last_login__isnull=True, date_joined__lt=before)
        )
    return users.filter(unused, is_active=True)


def default_language(user=None):
    """The language of a user who chose none: their institution's default; before login, the installation's."""
    if user is not None and user.institution.language in dict(settings.LANGUAGES):
        return user.institution.language
    return settings.LANGUAGE_CODE


def language_of(user):
    """The language a user reads pages, notifications and emails in: their own choice, else the default."""
    return user.language if user.language in dict(settings.LANGUAGES) else default_language(user)


def request_language(request):
    """The user's own language; else the one picked with the switch of the login page (Django's set_language
    cookie); else the default. The browser's Accept-Language is not asked: the institution decides."""
    user = request.user
    if user.is_authenticated and user.language in dict(settings.LANGUAGES):
        return user.language
    picked = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "").lower()
    if picked in dict(settings.LANGUAGES):
        return picked
    return default_language(user if user.is_authenticated else None)


def language_choices():
    """(code, name) of every language, each named in itself so a reader finds their own."""
    return [(code, capfirst(translation.get_language_info(code)["name_local"])) for code, _name in settings.LANGUAGES]
