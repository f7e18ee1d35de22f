"""No input of any kind answers 500 or writes part of itself: the six found by the review, then arbitrary text
into every form field and query parameter of the check-in, the CSV imports, the calendar, the export filters
and the justification form."""

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from attendance import services
from attendance.models import AttendanceRecord, Justification
from attendance_system.errors import DomainError
from attendance_system.routing import websocket_urlpatterns
from courses.models import Enrollment
from tests.strategies import ANY_TEXT

pytestmark = pytest.mark.django_db

# Run inside one test's transaction, so the examples share the cast; each checks that nothing changed.
EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


class TestWhatTheReviewFound:
    @pytest.mark.parametrize("typed", ["ＡＡＡＡＡＡ", "AB\u200bC12", "ÉÉÉÉÉÉ"])
    def test_a_non_ascii_code_is_a_field_error(self, client, cast, live, typed):
        client.force_login(cast.student)
        response = client.post(reverse("attendance:checkin"), {"code": typed})
        assert response.status_code == 200
        assert "only letters and digits" in response.text
        assert not AttendanceRecord.objects.filter(session=live[0], student=cast.student).exists()

    def test_the_service_takes_any_text_as_a_wrong_code(self, cast, live):
        with pytest.raises(DomainError, match="Wrong code"):
            services.code_submit(student=cast.student, typed="ＡＡＡＡＡＡ")

    @pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30", "x"])
    def test_a_calendar_date_out_of_range_shows_today(self, client, cast, day):
        client.force_login(cast.student)
        response = client.get(reverse("courses:calendar"), {"date": day})
        assert response.status_code == 200
        assert response.context["day"] == timezone.localdate()

    @pytest.mark.parametrize("student", ["abc", "²", "99999999999999999999", "-1", "0"])
    def test_a_justification_for_a_student_who_is_no_number_is_404(self, client, cast, student):
        client.force_login(cast.parent)
        assert client.get(reverse("attendance:justification_new"), {"student": student}).status_code == 404

    @pytest.mark.parametrize("student", ["²", "abc", "99999999999999999999"])
    def test_an_export_filter_that_is_no_number_is_404(self, client, cast, student):
        client.force_login(cast.teacher)
        url = reverse("reports:course_export", args=[cast.course.pk, "records", "csv"])
        assert client.get(url, {"student": student}).status_code == 404

    def test_a_csv_field_past_the_csv_limit_is_a_line_error(self, client, cast):
        client.force_login(cast.teacher)
        enrolled = Enrollment.objects.count()
        response = client.post(
            reverse("courses:roster_import", args=[cast.course.pk]), {"text": "email\n" + "x" * 140_000}
        )
        assert response.status_code == 200
        assert "cannot be read as CSV" in response.text
        assert Enrollment.objects.count() == enrolled


@pytest.mark.django_db(transaction=True)
async def test_a_websocket_to_an_unknown_address_is_refused(cast):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/nothing-here/")
    communicator.scope["user"] = await sync_to_async(User.objects.get)(pk=cast.student.pk)
    connected, _ = await communicator.connect()
    assert not connected


class TestArbitraryText:
    @EXAMPLES
    @given(code=ANY_TEXT, via=ANY_TEXT)
    def test_the_check_in_form(self, client, cast, live, code, via):
        client.force_login(cast.other_student)
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post(reverse("attendance:checkin"), {"code": code, "via": via}, headers=headers)
            assert response.status_code == 200
        assert not AttendanceRecord.objects.filter(student=cast.other_student).exists()

    @EXAMPLES
    @given(day=ANY_TEXT, view=ANY_TEXT, student=ANY_TEXT)
    def test_the_calendar(self, client, cast, day, view, student):
        client.force_login(cast.parent)
        response = client.get(reverse("courses:calendar"), {"date": day, "view": view, "student": student})
        assert response.status_code == 200

    @EXAMPLES
    @given(first=ANY_TEXT, last=ANY_TEXT, student=ANY_TEXT, kind=st.sampled_from(["records", "register"]))
    def test_the_export_filters(self, client, cast, first, last, student, kind):
        client.force_login(cast.teacher)
        url = reverse("reports:course_export", args=[cast.course.pk, kind, "csv"])
        response = client.get(url, {"from": first, "to": last, "student": student})
        assert response.status_code in {200, 404}

    @EXAMPLES
    @given(text=st.text(max_size=300))
    def test_the_roster_import(self, client, cast, text):
        client.force_login(cast.teacher)
        before = list(Enrollment.objects.values_list("pk", "active"))
        response = client.post(reverse("courses:roster_import", args=[cast.course.pk]), {"text": text})
        assert response.status_code in {200, 302}
        if response.status_code == 200:
            assert list(Enrollment.objects.values_list("pk", "active")) == before

    @EXAMPLES
    @given(student=ANY_TEXT, explanation=ANY_TEXT, first=ANY_TEXT, last=ANY_TEXT, reason=ANY_TEXT)
    def test_the_justification_form(self, client, cast, student, explanation, first, last, reason):
        client.force_login(cast.parent)
        before = Justification.objects.count()
        url = f"{reverse('attendance:justification_new')}?student={cast.student.pk}"
        data = {"explanation": explanation, "first_date": first, "last_date": last, "reason": reason}
        assert client.post(url, data).status_code in {200, 302}
        assert client.get(reverse("attendance:justification_new"), {"student": student}).status_code in {200, 404}
        if Justification.objects.count() != before:
            assert reason in {"illness", "family", "official", "other"} and explanation.strip()
