import factory

from attendance.models import AttendanceRecord, CodeLockout, Document, Justification, Reason, Status


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


def png_bytes(size=(8, 8)):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    file = factory.django.FileField(filename="document", data=png_bytes())
    original_name = "note.png"
    content_type = "image/png"
    size = factory.LazyAttribute(lambda d: len(png_bytes()))


class JustificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Justification
        skip_postgeneration_save = True

    student = factory.SubFactory("accounts.tests.factories.StudentFactory")
    submitted_by = factory.SelfAttribute("student")
    course = factory.SubFactory("courses.tests.factories.CourseFactory")
    reason = Reason.ILLNESS
    explanation = "Flu"
    document = factory.SubFactory(DocumentFactory)

    @factory.post_generation
    def sessions(self, create, extracted, **kwargs):
        if extracted:
            self.sessions.set(extracted)
