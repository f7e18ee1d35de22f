import factory

from attendance.models import AttendanceRecord, CodeLockout, Status


class AttendanceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttendanceRecord

    session = factory.SubFactory("courses.tests.factories.ClassSessionFactory")
    student = factory.SubFactory("accounts.tests.factories.StudentFactory")
    status = Status.PRESENT


class CodeLockoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodeLockout

    session = factory.SubFactory("courses.tests.factories.ClassSessionFactory")
    student = factory.SubFactory("accounts.tests.factories.StudentFactory")
