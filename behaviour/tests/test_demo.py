import pytest
from django.core.management import call_command

from accounts.models import User
from behaviour.models import BehaviourRecord, EscalationLevel, Event, Participation, Polarity
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def counts():
    return (BehaviourRecord.objects.count(), Event.objects.count(), Participation.objects.count())


def test_the_demo_has_behaviour_participation_and_two_students_at_escalation_level_1():
    call_command("seed_demo")
    student3, student10 = (User.objects.get(email=f"student{n}@demo.school") for n in (3, 10))
    assert sorted(EscalationLevel.objects.values_list("student", "level")) == sorted(
        [(student3.pk, 1), (student10.pk, 1)]
    )
    told = {n.user.email for n in Notification.objects.filter(kind=Kind.BEHAVIOUR_ESCALATION)}
    assert told == {"parent2@demo.school", "teacher1@demo.school"}
    assert BehaviourRecord.objects.filter(polarity=Polarity.POSITIVE).count() > 3
    assert Event.objects.filter(course__isnull=True).count() == 1
    assert set(Participation.objects.values_list("status", flat=True)) == {"participated", "absent", "excused", "award"}


def test_running_it_again_or_resetting_gives_the_same_counts():
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    call_command("seed_demo", reset=True)
    assert counts() == first
    assert EscalationLevel.objects.count() == 2
