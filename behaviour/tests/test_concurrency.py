"""Negative records of one student written at the same instant: the level they reach together is recorded
(and told) once, whichever transaction writes the record that reaches it."""

import threading

import pytest
from django.db import connection

from accounts.tests.factories import TeacherFactory
from behaviour import services
from behaviour.models import EscalationLevel, Polarity
from behaviour.tests.factories import BehaviourRecordFactory, CategoryFactory
from courses.tests.factories import CourseFactory, EnrollmentFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="runs in the PostgreSQL pass, where writes really race"
    ),
]


def at_once(jobs):
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait()
        try:
            job()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_two_records_reaching_a_level_together_record_it_once():
    teacher = TeacherFactory()
    course = CourseFactory(teachers=[teacher])
    category = CategoryFactory(name="Discipline")
    students = [EnrollmentFactory(course=course).student for _ in range(5)]
    for student in students:
        BehaviourRecordFactory(student=student, course=course, category=category, polarity=Polarity.NEGATIVE)

    def negative(student):
        return lambda: services.records_create(
            author=teacher, course=course, students=[student], category=category, polarity=Polarity.NEGATIVE
        )

    for student in students:  # each of five rounds: two records at once, the third and the fourth negative
        at_once([negative(student), negative(student)])
    assert list(EscalationLevel.objects.values_list("student_id", "level").order_by("student_id")) == [
        (student.pk, 1) for student in students
    ]
