"""Which behaviour records a user may see or change. Every view fetches records through these, so that a record
out of a user's scope is never found (404)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from behaviour.models import (
    BehaviourRecord,
    Category,
    EscalationLevel,
    Event,
    Participation,
    ParticipationStatus,
    Polarity,
)
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


def escalation_window_start(today=None):
    """The first day whose negative records count towards escalation (the window ends today)."""
    return (today or timezone.localdate()) - timedelta(days=settings.BEHAVIOUR_ESCALATION_DAYS - 1)


@dataclass
class Pattern:
    """A student's negative records in a period: the total and the count per category."""

    student_id: int
    name: str
    student_number: str
    total: int = 0
    by_category: dict = field(default_factory=dict)
    level: int = 0

    def counts(self, categories):
        return [self.by_category.get(category, 0) for category in categories]


def negative_patterns(records, *, first, last, at_least):
    """Students with at least `at_least` negative `records` dated from `first` to `last`, most records first, and
    the categories seen among them; with each student's escalation level reached in the last window. Two queries."""
    rows = (
        records.filter(polarity=Polarity.NEGATIVE, date__gte=first, date__lte=last)
        .order_by()
        .values_list(
            "student_id",
            "student__first_name",
            "student__last_name",
            "student__email",
            "student__student_number",
            "category__name",
        )
        .annotate(n=Count("pk"))
    )
    patterns = {}
    for student_id, first_name, last_name, email, number, category, count in rows:
        name = f"{first_name} {last_name}".strip() or email
        pattern = patterns.setdefault(student_id, Pattern(student_id, name, number or ""))
        pattern.total += count
        pattern.by_category[category] = count
    kept = [p for p in patterns.values() if p.total >= at_least]
    recent = timezone.now() - timedelta(days=settings.BEHAVIOUR_ESCALATION_DAYS)
    levels = dict(
        EscalationLevel.objects.filter(student_id__in=[p.student_id for p in kept], reached_at__gt=recent)
        .values("student_id")
        .annotate(level=Max("level"))
        .values_list("student_id", "level")
    )
    for pattern in kept:
        pattern.level = levels.get(pattern.student_id, 0)
    kept.sort(key=lambda p: (-p.total, p.name))
    categories = sorted({category for p in kept for category in p.by_category})
    return kept, categories


def events_visible_to(user):
    """Events a user may open: an administrator all, a teacher those of their courses and those they recorded."""
    events = Event.objects.select_related("course", "created_by")
    if user.is_admin:
        return events
    if user.is_teacher:
        return events.filter(Q(course__in=courses_managed_by(user)) | Q(created_by=user))
    return events.none()


def events_with_counts(events):
    """`events`, each with `counts`: the number of students of each status, in the order of ParticipationStatus;
    in one more query."""
    events = list(events)
    counts = {}
    rows = (
        Participation.objects.filter(event__in=events)
        .order_by()
        .values_list("event_id", "status")
        .annotate(n=Count("pk"))
    )
    for event_id, status, n in rows:
        counts.setdefault(event_id, {})[status] = n
    for event in events:
        by_status = counts.get(event.pk, {})
        event.counts = [by_status.get(status.value, 0) for status in ParticipationStatus]
    return events


def participations_of_event(event):
    return event.participations.select_related("student").order_by("student__last_name", "student__first_name")
