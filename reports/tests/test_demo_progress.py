"""The demo institution puts the students the README names in each list of the progress dashboard."""

import pytest
from django.core.management import call_command

from accounts.tests.factories import first_institution
from behaviour.selectors import institution_records
from courses.selectors import active_courses
from grades.models import Assessment, Score
from reports.models import AlertReason
from reports.progress import progress_overview

pytestmark = pytest.mark.django_db


def numbers(people):
    return sorted({int(person.student_number[1:]) for person in people})


def test_the_demo_has_high_performers_and_students_in_each_alert_list():
    call_command("seed_demo")
    overview = progress_overview(
        active_courses(first_institution()), institution_records(first_institution()), institution=first_institution()
    )
    alerts = overview["alerts"]
    assert numbers(p.student for p in overview["high_performers"]) == [7, 12]
    assert numbers(a.student for a in alerts[AlertReason.LOW_PERFORMANCE]) == [9, 25, 41]
    # The usual students' history is drawn at random: one may dip below a threshold, depending on the day.
    assert {5, 20, 35} <= set(numbers(a.student for a in alerts[AlertReason.LOW_ATTENDANCE]))
    assert numbers(a.student for a in alerts[AlertReason.BEHAVIOUR]) == [3, 10]


def test_running_it_again_or_resetting_keeps_one_gradebook_per_course():
    call_command("seed_demo")
    first = (Assessment.objects.count(), Score.objects.count())
    assert first[0] == 16
    call_command("seed_demo")
    assert (Assessment.objects.count(), Score.objects.count()) == first
    call_command("seed_demo", reset=True)
    assert (Assessment.objects.count(), Score.objects.count()) == first
