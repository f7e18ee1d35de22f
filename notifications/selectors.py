from django.db.models import Count, F

from notifications.models import EMAIL_BY_DEFAULT, Kind, Notification, Preference


def unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(user, *, kind=None, unread_only=False):
    """A user's notifications, unread first, newest first."""
    notifications = Notification.objects.filter(user=user)
    if kind:
        notifications = notifications.filter(kind=kind)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by(F("read_at").desc(nulls_first=True), "-created_at", "-pk")


def email_kinds(user):
    """The kinds this user wants by email: their choices over the defaults."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "by_email"))
    return {kind for kind in Kind if chosen.get(kind, kind in EMAIL_BY_DEFAULT)}


def unread_counts(users):
    """{user id: unread count} for several users, in one query."""
    rows = (
        Notification.objects.filter(user__in=users, read_at__isnull=True)
        .values("user")
        .annotate(n=Count("pk"))
        .values_list("user", "n")
    )
    return dict(rows)


def wanting_email(users, kind):
    """The ids of `users` who want `kind` by email, in one query."""
    chosen = dict(Preference.objects.filter(user__in=users, kind=kind).values_list("user", "by_email"))
    return {user.pk for user in users if chosen.get(user.pk, kind in EMAIL_BY_DEFAULT)}
