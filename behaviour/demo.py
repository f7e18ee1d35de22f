"""Behaviour and participation for the demo institution (`manage.py seed_demo`): written through the services, so
that the student who collects three negative records reaches escalation level 1 as in real use."""

from datetime import timedelta

from django.utils import timezone

from behaviour import services
from behaviour.models import BehaviourRecord, Category, Event, Polarity

# (days ago, student numbers, category, polarity, note). Student 3, parent2's child, collects three negative
# records within the window and so reaches escalation level 1: parent2 and teacher1 are notified; so does
# student 10 (who has no parent account: teacher1 is notified).
RECORDS = [
    (20, [1, 2, 4, 6], "Participation", Polarity.POSITIVE, "Led the group work on derivatives"),
    (15, [2], "Kindness", Polarity.POSITIVE, "Helped a classmate catch up after an absence"),
    (12, [3], "Homework", Polarity.NEGATIVE, "Homework not handed in"),
    (8, [3, 10], "Disruption", Polarity.NEGATIVE, "Talking over the teacher"),
    (3, [3], "Discipline", Polarity.NEGATIVE, "Phone out during the test"),
    (6, [10], "Punctuality", Polarity.NEGATIVE, "Late after the break again"),
    (1, [10], "Homework", Polarity.NEGATIVE, "Homework not handed in"),
    (2, [1], "Effort", Polarity.POSITIVE, "Redid the exercises without being asked"),
]
# (days ago, name, whether it belongs to the course, {student number: (status, remarks)}).
OLYMPIAD = {1: ("award", "Second place"), 2: ("participated", ""), 3: ("absent", ""), 4: ("excused", "Ill")}
SPORTS_DAY = {16: ("participated", ""), 17: ("award", "100 m winner"), 18: ("participated", "")}
EVENTS = [(10, "Mathematics olympiad", True, OLYMPIAD), (5, "School sports day", False, SPORTS_DAY)]


def seed(*, teacher, course, students):
    """Write the demo records and events once, by `teacher` in `course` (whose roster has every student named);
    `students` by number."""
    if BehaviourRecord.objects.filter(course=course).exists():
        return
    today = timezone.localdate()
    for days, numbers, category, polarity, note in RECORDS:
        services.records_create(
            author=teacher,
            course=course,
            students=[students[n] for n in numbers],
            # The migration makes these categories; the administrator may have renamed or removed them since.
            category=Category.objects.get_or_create(institution=course.institution, name=category)[0],
            polarity=polarity,
            note=note,
            date=today - timedelta(days=days),
        )
    for days, name, linked, rows in EVENTS:
        services.event_record(
            by=teacher,
            course=course,
            name=name,
            date=today - timedelta(days=days),
            linked=linked,
            statuses={students[n]: row for n, row in rows.items()},
        )


def delete(*, users):
    """The demo's behaviour records (they keep their course from being deleted) and events."""
    BehaviourRecord.objects.filter(student__in=users).delete()
    Event.objects.filter(created_by__in=users).delete()
