import factory

from notifications.models import Kind, Notification
from notifications.texts import written


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    class Params:
        title = factory.Sequence(lambda n: f"Notice {n}")
        body = ""

    user = factory.SubFactory("accounts.tests.factories.StudentFactory")
    kind = Kind.CHECKIN_VALIDATED
    params = factory.LazyAttribute(lambda notice: written(notice.title, notice.body))
