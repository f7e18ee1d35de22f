import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import default_task_backend, task

from notifications.models import EmailStatus, Notification

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


def _message(notification):
    user = notification.user
    link = f"{settings.SITE_URL}{notification.url}" if notification.url else settings.SITE_URL
    context = {"notification": notification, "user": user, "link": link}
    # Times in the email as on the reader's pages: in their institution's time zone.
    with translation.override(user.reading_language), timezone.override(user.institution.zone):
        # One line whatever the title holds: a line break in a header would stop the email from being sent.
        subject = " ".join(render_to_string("notifications/email/subject.txt", context).split())
        text = render_to_string(f"notifications/email/{notification.kind}.txt", context)
        html = render_to_string(f"notifications/email/{notification.kind}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email])
    message.attach_alternative(html, "text/html")
    return message


def record_email_state(notification_id, attempt, status, error=""):
    """Keep where the email stands on the notification, for administrators (a filter in Django admin)."""
    Notification.objects.filter(pk=notification_id).update(
        email_status=status, email_attempts=attempt, email_error=error[:500]
    )


@task()
def send_notification_email(notification_id, attempt=1):
    """Email one notification; a failed send is logged and tried again later, up to MAX_ATTEMPTS times, and
    then recorded as failed on the notification."""
    notification = Notification.objects.select_related("user__institution").filter(pk=notification_id).first()
    if notification is None:
        return "gone"
    try:
        _message(notification).send()
    except Exception as error:
        logger.exception("Sending notification %s failed (attempt %d of %d)", notification_id, attempt, MAX_ATTEMPTS)
        if attempt >= MAX_ATTEMPTS:
            record_email_state(notification_id, attempt, EmailStatus.FAILED, repr(error))
            return "failed"
        record_email_state(notification_id, attempt, EmailStatus.RETRYING, repr(error))
        retry = send_notification_email
        if default_task_backend.supports_defer:
            retry = retry.using(run_after=timezone.now() + timedelta(minutes=attempt))
        retry.enqueue(notification_id, attempt + 1)
        return "retrying"
    record_email_state(notification_id, attempt, EmailStatus.SENT)
    return "sent"
