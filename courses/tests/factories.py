from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import first_institution
from courses.models import AcademicYear, ClassSession, Course, Enrollment, Term


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    institution = factory.LazyFunction(first_institution)
    code = factory.Sequence(lambda n: f"C{n:03d}")
    title = factory.Sequence(lambda n: f"Course {n}")

    @factory.post_generation
    def teachers(self, create, extracted, **kwargs):
        if extracted:
            self.teachers.add(*extracted)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    course = factory.SubFactory(CourseFactory)
    student = factory.SubFactory("accounts.tests.factories.StudentFactory")


class ClassSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassSession

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=1, minutes=30))
    room = "A1"


class AcademicYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcademicYear

    institution = factory.LazyFunction(first_institution)
    name = factory.Sequence(lambda n: f"{2000 + n}-{2001 + n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=100))
    ends_on = factory.LazyAttribute(lambda y: y.starts_on + timedelta(days=300))


class TermFactory(factory.django.DjangoModelFactory):
    """By default the current term: from 30 days ago to 30 days ahead, in a year around it."""

    class Meta:
        model = Term

    year = factory.SubFactory(AcademicYearFactory)
    name = factory.Sequence(lambda n: f"Term {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda t: t.starts_on + timedelta(days=60))
