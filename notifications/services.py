"""The one way anything tells a user something: stored, pushed live, and emailed when the user wants it."""

import logging

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications import live, selectors
from notifications.models import EmailStatus, Kind, Notification, Preference

logger = logging.getLogger(__name__)


def _push(notifications, counts):
    """The badge and a toast to every page of each user, in the user's language; the new line to their
    notification centre. The toasts differ only by the unread count and the language, so a notice to a lecture
    hall renders a few of them."""
    toasts = {}
    for notification in notifications:
        unread = counts.get(notification.user_id, 0)
        language = notification.user.reading_language
        context = {"notification": notification, "unread_count": unread, "oob": True}
        with translation.override(language):
            if (unread, language) not in toasts:
                toasts[unread, language] = render_to_string("notifications/pushed.html", context)
            item = render_to_string("notifications/pushed_item.html", context)
        live.push(live.user_group(notification.user_id), toasts[unread, language])
        live.push(live.user_group(notification.user_id, "notifications"), item)


def _email_later(notification):
    from notifications.tasks import record_email_state, send_notification_email

    def enqueue():
        try:
            send_notification_email.enqueue(notification.pk)
        except Exception as error:
            # The notice is stored and shown in the app; a queue that is down must not undo the action, and the
            # email that never went is recorded as failed, for administrators.
            logger.exception("Could not queue the email for notification %s", notification.pk)
            record_email_state(notification.pk, 0, EmailStatus.FAILED, repr(error))

    transaction.on_commit(enqueue)


@transaction.atomic
def notify(user, kind, params, url=""):
    """Store a notification, push it live after commit, and email it if the user wants this kind by email. Its
    text is the kind's, filled with `params` in the reader's language (notifications.texts)."""
    return notify_many([user], kind, params, url)[0]


@transaction.atomic
def notify_many(users, kind, params, url=""):
    """The same notice to several users, with one insert."""
    users = list(users)
    by_email = selectors.wanting_email(users, kind)
    notifications = Notification.objects.bulk_create(
        Notification(
            user=user,
            kind=Kind(kind),
            params=params,
            url=url,
            email_status=EmailStatus.QUEUED if user.pk in by_email else EmailStatus.NONE,
        )
        for user in users
    )
    for user, notification in zip(users, notifications, strict=True):
        notification.user = user
        if user.pk in by_email:
            _email_later(notification)
    _push(notifications, selectors.unread_counts(users))
    return notifications


@transaction.atomic
def notification_mark_read(*, notification):
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    _push_count(notification.user)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user):
    count = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    _push_count(user)
    return count


def _push_count(user):
    """Every open page of the user shows the new unread count."""
    context = {"unread_count": selectors.unread_count(user), "oob": True}
    with translation.override(user.reading_language):
        html = render_to_string("notifications/_unread_badge.html", context)
    live.push(live.user_group(user.pk), html)


@transaction.atomic
def preferences_save(*, user, email_kinds):
    """Set, for every kind, whether the user wants it by email."""
    for kind in Kind:
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"by_email": kind in email_kinds})
