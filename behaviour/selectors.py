"""Which behaviour records a user may see or change. Every view fetches records through these, so that a record
out of a user's scope is never found (404)."""

from django.db.models import Q

from behaviour.models import BehaviourRecord, Category
from courses.selectors import courses_managed_by


def active_categories(*, including=None):
    """Categories a teacher may choose, and the category `including` (a record's own, even if retired since)."""
    return Category.objects.filter(Q(active=True) | Q(pk=including))


def all_categories():
    return Category.objects.all()


def records_visible_to(user):
    """Records a user may read: an administrator all, a teacher those of their courses."""
    records = BehaviourRecord.objects.select_related("student", "course", "category", "author")
    if user.is_admin:
        return records
    if user.is_teacher:
        return records.filter(course__in=courses_managed_by(user))
    return records.none()


def records_editable_by(user):
    """Records a user may change or delete: an administrator all, a teacher those they wrote in their courses."""
    records = records_visible_to(user)
    return records if user.is_admin else records.filter(author=user)


def editable_ids(user, records):
    """The ids of those of `records` that the user may change, in one query."""
    editable = records_editable_by(user).filter(pk__in=[record.pk for record in records])
    return set(editable.values_list("pk", flat=True))


def filter_records(records, *, student=None, category=None, polarity="", first=None, last=None):
    """`records` narrowed by each filter that is given; dates are inclusive."""
    if student:
        records = records.filter(student=student)
    if category:
        records = records.filter(category=category)
    if polarity:
        records = records.filter(polarity=polarity)
    if first:
        records = records.filter(date__gte=first)
    if last:
        records = records.filter(date__lte=last)
    return records
