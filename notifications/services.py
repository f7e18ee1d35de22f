"""The one way anything tells a user something: stored, pushed live, and emailed when the user wants it."""

import logging
from functools import partial

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications import live, selectors
from notifications.models import EmailStatus, Kind, Notification, Preference

logger = logging.getLogger(__name__)


def _push(notifications, counts):
    """The badge and a toast to every page of each user, in the user's language; the new line to their
    notification centre. The toasts differ only by the unread count and the language, so a notice to a lecture
    hall renders a few of them.

    Rendered at commit, after what the transaction pushed before: a notice to a lecture hall (its validation)
    neither holds the transaction open nor delays the students' own statuses."""
    toasts = {}

    def toast(context, language):
        if (context["unread_count"], language) not in toasts:
            toasts[context["unread_count"], language] = _render_in(language, "notifications/pushed.html", context)
        return toasts[context["unread_count"], language]

    for notification in notifications:
        language = notification.user.reading_language
        context = {"notification": notification, "unread_count": counts.get(notification.user_id, 0), "oob": True}
        live.push(live.user_group(notification.user_id), partial(toast, context, language))
        item = partial(_render_in, language, "notifications/pushed_item.html", context)
        live.push(live.user_group(notification.user_id, "notifications"), item)


def _render_in(language, template, context):
    with translation.override(language):
        return render_to_string(template, context)


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


def notify_many(users, kind, params, url=""):
    """The same notice to several users, with one insert."""
    return notify_each([(user, url) for user in users], kind, params)


@transaction.atomic
def notify_each(recipients, kind, params):
    """The same notice to several users, each with their own link (`recipients`: (user, url) pairs), with one
    insert: a parent's notice leads to their child's page, a student's to their own."""
    recipients = list(recipients)
    users = [user for user, _ in recipients]
    # Each is told in their language, which may be their institution's default: read in one query for all.
    prefetch_related_objects(users, "institution")
    by_email = selectors.wanting_email(users, kind)
    notifications = Notification.objects.bulk_create(
        Notification(
            user=user,
            kind=Kind(kind),
            params=params,
            url=url,
            email_status=EmailStatus.QUEUED if user.pk in by_email else EmailStatus.NONE,
        )
        for user, url in recipients
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
