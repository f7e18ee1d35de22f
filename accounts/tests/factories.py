import factory

from accounts.models import Institution, ParentLink, Role, User

PASSWORD = "correct-horse-battery"


def first_institution():
    """What every factory's row belongs to unless told otherwise: one institution for the whole test."""
    return Institution.objects.first_or_create()


def institution_settings(**fields):
    """Change settings of the first institution (the one every factory uses), as its administrators would."""
    Institution.objects.filter(pk=first_institution().pk).update(**fields)


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Institution {n}")
    short_name = factory.Sequence(lambda n: f"I{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    institution = factory.LazyFunction(first_institution)
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
    """An institution's administrator: the app's administrator pages, and Django admin narrowed to the
    institution."""

    role = Role.ADMIN
    is_staff = True


class PlatformAdminFactory(AdminFactory):
    """A platform administrator (superuser): creates institutions and sees them all in Django admin."""

    is_superuser = True


class ParentFactory(UserFactory):
    role = Role.PARENT

    @factory.post_generation
    def children(self, create, extracted, **kwargs):
        for child in extracted or []:
            ParentLink.objects.create(parent=self, child=child)
