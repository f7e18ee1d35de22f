import factory

from notifications.models import Kind, Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory("accounts.tests.factories.StudentFactory")
    kind = Kind.CHECKIN_VALIDATED
    title = factory.Sequence(lambda n: f"Notice {n}")
