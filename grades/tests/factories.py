from decimal import Decimal

import factory
from django.utils import timezone

from grades.models import Assessment, AssessmentType, Release, Score


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    course = factory.SubFactory("courses.tests.factories.CourseFactory")
    title = factory.Sequence(lambda n: f"Quiz {n}")
    type = AssessmentType.QUIZ
    date = factory.LazyFunction(timezone.localdate)
    max_score = Decimal(20)
    weight = Decimal(1)
    release = Release.NEVER


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    assessment = factory.SubFactory(AssessmentFactory)
    student = factory.SubFactory("accounts.tests.factories.StudentFactory")
    value = Decimal(10)
