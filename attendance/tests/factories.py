import factory

from attendance.models import AttendanceRecord, Status


class AttendanceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttendanceRecord

    session = factory.SubFactory("courses.tests.factories.ClassSessionFactory")
    student = factory.SubFactory("accounts.tests.factories.StudentFactory")
    status = Status.PRESENT
