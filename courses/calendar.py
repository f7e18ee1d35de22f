"""Month and week grids of sessions, and the iCalendar feed."""

import calendar
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from courses.models import CalendarFeed


def month_grid(day):
    """Weeks (lists of 7 dates, Monday first) covering the month of `day`."""
    return calendar.Calendar(firstweekday=0).monthdatescalendar(day.year, day.month)


def week_days(day):
    monday = day - timedelta(days=day.weekday())
    return [[monday + timedelta(days=i) for i in range(7)]]


def window(weeks):
    """The aware datetimes bounding a grid, in the current time zone."""
    zone = timezone.get_current_timezone()
    first, last = weeks[0][0], weeks[-1][-1] + timedelta(days=1)
    return (
        timezone.make_aware(datetime.combine(first, datetime.min.time()), zone),
        timezone.make_aware(datetime.combine(last, datetime.min.time()), zone),
    )


def by_day(sessions):
    days = {}
    for session in sessions:
        days.setdefault(timezone.localtime(session.starts_at).date(), []).append(session)
    return days


def shift(day, view, steps):
    if view == "week":
        return day + timedelta(weeks=steps)
    month = day.month - 1 + steps
    return date(day.year + month // 12, month % 12 + 1, 1)


def feed_of(user):
    """The user's feed, or None: one is made only when asked for (feed_regenerate), never by viewing a page."""
    return CalendarFeed.objects.filter(user=user).first()


@transaction.atomic
def feed_regenerate(*, user):
    """A new secret address; the old one stops working at once."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)


def ical(sessions, *, name, time_zone):
    """An RFC 5545 calendar of sessions (times in UTC, shown by clients in `time_zone`, the institution's);
    cancelled ones carry STATUS:CANCELLED."""
    feed = Calendar()
    feed.add("prodid", "-//Attendance//Sessions//EN")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", name)
    feed.add("x-wr-timezone", time_zone)
    host = settings.SITE_URL.split("//")[-1]
    for session in sessions:
        event = Event()
        event.add("uid", f"session-{session.pk}@{host}")
        event.add("dtstamp", timezone.now())
        # Calendar clients replace an event only when its sequence grows: every change of the session does.
        event.add("last-modified", session.updated_at)
        event.add("sequence", int(session.updated_at.timestamp()))
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", f"{session.course.code} · {session.course.title}")
        if session.room:
            event.add("location", session.room)
        if session.is_cancelled:
            event.add("status", "CANCELLED")
            event.add("description", session.cancel_reason)
        else:
            event.add("status", "CONFIRMED")
        feed.add_component(event)
    return feed.to_ical()
