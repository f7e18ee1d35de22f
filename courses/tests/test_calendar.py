from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from courses import services
from courses.models import CalendarFeed
from courses.tests.factories import ClassSessionFactory

pytestmark = pytest.mark.django_db


def month_of(response):
    return [s for day in response.context["sessions_by_day"].values() for s in day]


class TestCalendarPage:
    def test_a_student_sees_their_sessions_in_the_month(self, client, cast):
        client.force_login(cast.student)
        response = client.get(
            reverse("courses:calendar"), {"date": timezone.localdate(cast.session.starts_at).isoformat()}
        )
        assert month_of(response) == [cast.session]

    def test_the_week_view_shows_seven_days(self, client, cast):
        client.force_login(cast.teacher)
        day = timezone.localtime(cast.session.starts_at).date()
        response = client.get(reverse("courses:calendar"), {"view": "week", "date": day.isoformat()})
        assert len(response.context["weeks"]) == 1 and len(response.context["weeks"][0]) == 7
        assert month_of(response) == [cast.session]
        assert reverse("attendance:session_live", args=[cast.session.pk]) in response.text

    def test_a_parent_sees_a_childs_sessions_and_never_another_students(self, client, cast):
        client.force_login(cast.parent)
        day = timezone.localtime(cast.session.starts_at).date().isoformat()
        response = client.get(reverse("courses:calendar"), {"date": day, "student": cast.other_student.pk})
        assert response.context["student"] == cast.student
        assert month_of(response) == [cast.session]

    def test_cancelled_sessions_are_struck_through(self, client, cast):
        services.session_cancel(session=cast.session, reason="Strike")
        client.force_login(cast.student)
        day = timezone.localtime(cast.session.starts_at).date().isoformat()
        assert "session-cancelled" in client.get(reverse("courses:calendar"), {"date": day}).text


class TestFeedAddress:
    def test_viewing_the_calendar_writes_nothing_and_offers_to_make_an_address(self, client, cast):
        client.force_login(cast.student)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("courses:calendar"))
        writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
        assert writes == []
        assert not CalendarFeed.objects.exists()
        assert 'id="feed-create"' in response.text
        assert 'id="feed-url"' not in response.text

    def test_the_button_makes_the_address_which_the_page_then_shows(self, client, cast):
        client.force_login(cast.student)
        response = client.post(reverse("courses:calendar_feed_regenerate"), follow=True)
        token = CalendarFeed.objects.get(user=cast.student).token
        assert "Calendar address made" in response.text
        assert reverse("courses:calendar_feed", args=[token]) in response.text
        assert 'id="feed-create"' not in response.text
        # Seen again, the page shows the same address: only the button makes a new one.
        client.get(reverse("courses:calendar"))
        assert CalendarFeed.objects.get(user=cast.student).token == token


class TestFeed:
    def feed(self, client, user):
        client.force_login(user)
        if not CalendarFeed.objects.filter(user=user).exists():
            client.post(reverse("courses:calendar_feed_regenerate"))
        client.logout()
        token = CalendarFeed.objects.get(user=user).token
        response = client.get(reverse("courses:calendar_feed", args=[token]))
        assert response["Content-Type"].startswith("text/calendar")
        return token, Calendar.from_ical(response.content)

    def test_it_parses_as_icalendar_with_each_session_and_cancellations(self, client, cast):
        services.session_cancel(session=cast.session, reason="Strike")
        other = ClassSessionFactory(course=cast.course, starts_at=timezone.now() + timedelta(days=3), room="B2")
        _token, feed = self.feed(client, cast.student)
        events = {str(e["uid"]): e for e in feed.walk("VEVENT")}
        assert set(events) == {f"session-{cast.session.pk}@127.0.0.1:8000", f"session-{other.pk}@127.0.0.1:8000"}
        cancelled = events[f"session-{cast.session.pk}@127.0.0.1:8000"]
        assert str(cancelled["status"]) == "CANCELLED"
        assert cancelled.decoded("dtstart") == cast.session.starts_at.replace(microsecond=0)
        assert str(events[f"session-{other.pk}@127.0.0.1:8000"]["location"]) == "B2"
        assert feed["version"] == "2.0"

    def test_a_cancellation_raises_the_events_sequence_so_clients_update_it(self, client, cast):
        type(cast.session).objects.filter(pk=cast.session.pk).update(
            updated_at=cast.session.updated_at - timedelta(minutes=5)
        )
        _token, before = self.feed(client, cast.student)
        [event] = before.walk("VEVENT")
        services.session_cancel(session=cast.session, reason="Strike")
        _token, after = self.feed(client, cast.student)
        [cancelled] = after.walk("VEVENT")
        assert int(cancelled["sequence"]) > int(event["sequence"])
        assert str(cancelled["status"]) == "CANCELLED"

    def test_a_parents_feed_holds_their_childrens_sessions(self, client, cast):
        _token, feed = self.feed(client, cast.parent)
        assert [str(e["uid"]) for e in feed.walk("VEVENT")] == [f"session-{cast.session.pk}@127.0.0.1:8000"]

    def test_a_new_address_kills_the_old_one(self, client, cast):
        token, _feed = self.feed(client, cast.teacher)
        client.force_login(cast.teacher)
        response = client.post(reverse("courses:calendar_feed_regenerate"), follow=True)
        assert "the old one no longer works" in response.text
        assert client.get(reverse("courses:calendar_feed", args=[token])).status_code == 404
        new = CalendarFeed.objects.get(user=cast.teacher).token
        assert new != token
        assert client.get(reverse("courses:calendar_feed", args=[new])).status_code == 200
