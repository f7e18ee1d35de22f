"""Which behaviour records a user may see or change. Every view fetches records through these, so that a record
out of a user's scope is never found (404)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone

from accounts.models import Role, User
from accounts.selectors import children_of, children_visible_to, institution_of
from behaviour.models import (
    BehaviourRecord,
    Category,
    EscalationLevel,
    Event,
    Participation,
    ParticipationStatus,
    Polarity,
)
from courses.selectors import courses_managed_by, enrollments_visible_to


def all_categories(institution):
    """The categories of an institution: the one scope of every category query."""
    return Category.objects.filter(institution=institution)


def active_categories(institution, *, including=None):
    """Categories a teacher may choose, and the category `including` (a record's own, even if retired since)."""
    return all_categories(institution).filter(Q(active=True) | Q(pk=including))


def negative_shown_to_family_from(institution):
    """The first date whose negative records a student and their parents see, or None when they see none: the
    one reading of the institution's parents_see_negative(_from)."""
    if not institution.parents_see_negative:
        return None
    return institution.parents_see_negative_from or date.min


def family_sees_negative_on(day, institution):
    """Whether a negative record dated `day` is shown to the student and their parents."""
    first = negative_shown_to_family_from(institution)
    return first is not None and day >= first


def _family_view(records, institution):
    """What a family sees of `records`: positive ones always, negative ones as the institution decides."""
    first = negative_shown_to_family_from(institution)
    shown = Q(polarity=Polarity.POSITIVE)
    if first is not None:
        shown |= Q(date__gte=first)
    return records.filter(shown)


def students_visible_to(user):
    """Students whose behaviour page a user may open: a student themself, a parent their children, a teacher the
    students of their courses, an administrator all."""
    if user.is_admin or user.is_parent:
        return children_visible_to(user)
    if user.is_teacher:
        return User.objects.filter(role=Role.STUDENT, pk__in=enrollments_visible_to(user).values("student"))
    if user.is_student:
        return User.objects.filter(pk=user.pk)
    return User.objects.none()


def visible_student_ids(user, ids):
    """Those of `ids` that are students the user may see."""
    return list(students_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def records_visible_to(user):
    """Records a user may read: an administrator all, a teacher those of their courses, a student their own and a
    parent their children's (negative ones as negative_shown_to_family_from says)."""
    records = institution_records(institution_of(user)).select_related("student", "course", "category", "author")
    if user.is_admin:
        return records
    if user.is_teacher:
        return records.filter(course__in=courses_managed_by(user))
    if user.is_student:
        return _family_view(records.filter(student=user), institution_of(user))
    if user.is_parent:
        return _family_view(records.filter(student__in=children_of(user)), institution_of(user))
    return records.none()


def institution_records(institution):
    """Every record of an institution's courses, for its figures and alerts: the one scope of every record
    query."""
    return BehaviourRecord.objects.filter(course__institution=institution)


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


def escalation_window_start(institution, today=None):
    """The first day whose negative records count towards escalation (the window ends today)."""
    return (today or timezone.localdate()) - timedelta(days=institution.escalation_days - 1)


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


def negative_patterns(records, *, institution, first, last, at_least):
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
    recent = timezone.now() - timedelta(days=institution.escalation_days)
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
    institution = institution_of(user)
    events = Event.objects.filter(Q(course__institution=institution) | Q(created_by__institution=institution))
    events = events.select_related("course", "created_by")
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


def participations_editable_by(user):
    """Participations a user may correct or delete: those of the events they may open (a teacher their courses'
    events and those they recorded, an administrator all), as they may record them."""
    return Participation.objects.filter(event__in=events_visible_to(user)).select_related("event", "student")


def participations_of_event(event):
    return event.participations.select_related("student").order_by("student__last_name", "student__first_name")


def participations_visible_to(user):
    """Participations a user may read: a student their own, a parent their children's, a teacher those of the
    events they may open, an administrator all."""
    participations = Participation.objects.filter(student__institution=institution_of(user)).select_related(
        "event", "event__course", "student"
    )
    if user.is_admin:
        return participations
    if user.is_teacher:
        return participations.filter(event__in=events_visible_to(user))
    if user.is_student:
        return participations.filter(student=user)
    if user.is_parent:
        return participations.filter(student__in=children_of(user))
    return participations.none()


def behaviour_balance(student, *, viewer, first=None, last=None):
    """{"positive": n, "negative": m}: the records of `student` that `viewer` may see, dated from `first` to
    `last` when given. One query."""
    records = filter_records(records_visible_to(viewer).filter(student=student), first=first, last=last)
    return records.aggregate(
        positive=Count("pk", filter=Q(polarity=Polarity.POSITIVE)),
        negative=Count("pk", filter=Q(polarity=Polarity.NEGATIVE)),
    )


def participation_of(student, *, viewer, first=None, last=None):
    """The participations of `student` that `viewer` may see, in events from `first` to `last`, latest first."""
    participations = participations_visible_to(viewer).filter(student=student)
    if first:
        participations = participations.filter(event__date__gte=first)
    if last:
        participations = participations.filter(event__date__lte=last)
    return participations.order_by("-event__date", "-event_id")
