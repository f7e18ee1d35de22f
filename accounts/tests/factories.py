import factory

from accounts.models import ParentLink, Role, User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.STUDENT
    password = factory.django.Password(PASSWORD)


class StudentFactory(UserFactory):
    role = Role.STUDENT
    student_number = factory.Sequence(lambda n: f"T{n:05d}")


class TeacherFactory(UserFactory):
    role = Role.TEACHER


class AdminFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True
    is_superuser = True


class ParentFactory(UserFactory):
    role = Role.PARENT

    @factory.post_generation
    def children(self, create, extracted, **kwargs):
        for child in extracted or []:
            ParentLink.objects.create(parent=self, child=child)
