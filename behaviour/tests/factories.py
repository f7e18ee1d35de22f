import factory

from accounts.tests.factories import first_institution
from behaviour.models import BehaviourRecord, Category, CategoryUse, Event, Participation, ParticipationStatus, Polarity


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["institution", "name"]

    institution = factory.LazyFunction(first_institution)
    name = factory.Sequence(lambda n: f"Category {n}")
    use = CategoryUse.BOTH


class BehaviourRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BehaviourRecord

    student = factory.SubFactory("accounts.tests.factories.StudentFactory")
    course = factory.SubFactory("courses.tests.factories.CourseFactory")
    category = factory.SubFactory(CategoryFactory)
    polarity = Polarity.POSITIVE
    note = "Helped a classmate"
    author = factory.SubFactory("accounts.tests.factories.TeacherFactory")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"Science fair {n}")
    course = factory.SubFactory("courses.tests.factories.CourseFactory")


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    event = factory.SubFactory(EventFactory)
    student = factory.SubFactory("accounts.tests.factories.StudentFactory")
    status = ParticipationStatus.PARTICIPATED
