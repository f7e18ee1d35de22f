from django.db import models

from accounts.models import ParentLink, Role, User


def children_of(parent):
    """The students a parent follows."""
    return User.objects.filter(role=Role.STUDENT, parent_links__parent=parent)


def parents_of(*students):
    return User.objects.filter(role=Role.PARENT, child_links__child__in=students).distinct()


def administrators():
    """The active users who administer the institution (is_admin)."""
    return User.objects.filter(models.Q(role=Role.ADMIN) | models.Q(is_superuser=True), is_active=True)


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
