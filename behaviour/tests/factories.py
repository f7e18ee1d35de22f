import factory

from behaviour.models import BehaviourRecord, Category, CategoryUse, Polarity


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["name"]

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
