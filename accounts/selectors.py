from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.text import capfirst

from accounts.models import ParentLink, Role, User


def children_of(parent):
    """The students a parent follows."""
    return User.objects.filter(role=Role.STUDENT, parent_links__parent=parent)


def parents_of(*students):
    return User.objects.filter(role=Role.PARENT, child_links__child__in=students).distinct()


def user_by_identifier(identifier):
    """The user with this email or student number, or None."""
    identifier = identifier.strip()
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier).first()
    return User.objects.filter(student_number=identifier).first()


def children_visible_to(user):
    """The students whose family page a user may open: a parent their children, an administrator all."""
    if user.is_admin:
        return User.objects.filter(role=Role.STUDENT)
    if user.is_parent:
        return children_of(user)
    return User.objects.none()


def contacts_of(student):
    """A student's guardians and emergency contacts, in the order to call them."""
    return student.contacts.all()


def role_counts():
    """{role: number of active users}."""
    counts = dict.fromkeys(Role.values, 0)
    for row in User.objects.filter(is_active=True).values("role").annotate(n=models.Count("pk")):
        counts[row["role"]] = row["n"]
    return counts


def parents_by_child(students):
    """{child id: [parent, ...]} for `students`, in one query."""
    found = {}
    links = ParentLink.objects.filter(child__in=students).select_related("parent").order_by("parent_id")
    for link in links:
        found.setdefault(link.child_id, []).append(link.parent)
    return found


def default_language(user=None):
    """The language of a user who chose none, and of pages before login: the institution's default."""
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
