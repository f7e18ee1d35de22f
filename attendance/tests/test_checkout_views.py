"""Check-out through the pages, with real permissions: the student's button and code box, the teacher's
check-out code and live page, the record, the course form."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format

from attendance import services
from attendance.models import AttendanceCode, AttendanceRecord, Purpose, Status
from courses.tests.factories import ClassSessionFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def open_session(cast, *, ends_in):
    """An open session of the cast's course (which requires check-out), ending in `ends_in`, with its code."""
    cast.course.checkout_required = True
    cast.course.save()
    now = timezone.now()
    session = ClassSessionFactory(course=cast.course, starts_at=now - timedelta(minutes=50), ends_at=now + ends_in)
    return session, services.session_open(session=session, by=cast.teacher)


@pytest.fixture
def ending(cast):
    """A session in its last 5 minutes (check-out opened 5 minutes ago); the student has checked in."""
    session, code = open_session(cast, ends_in=timedelta(minutes=5))
    services.code_submit(student=cast.student, typed=code.code)
    return session


def checkout_url(session):
    return reverse("attendance:checkout", args=[session.pk])


class TestCheckOutButton:
    def test_the_check_in_page_shows_it_in_the_last_minutes(self, client, cast, ending):
        client.force_login(cast.student)
        response = client.get(reverse("attendance:checkin"))
        assert f'hx-post="{checkout_url(ending)}"' in response.text

    def test_the_card_then_asks_to_check_out_not_to_check_in(self, client, cast, ending):
        client.force_login(cast.student)
        card = client.get(reverse("attendance:checkin")).text
        assert "Check out now" in card and "Check in now" not in card

    def test_a_checked_in_student_with_nothing_to_do_yet_is_not_asked_to_check_in(self, client, cast):
        _session, code = open_session(cast, ends_in=timedelta(minutes=30))
        services.code_submit(student=cast.student, typed=code.code)
        client.force_login(cast.student)
        card = client.get(reverse("attendance:checkin")).text
        assert "Session in progress" in card
        assert "Check in now" not in card and "Check out now" not in card

    def test_before_then_the_card_reloads_itself_when_it_appears(self, client, cast):
        session, code = open_session(cast, ends_in=timedelta(minutes=30))
        services.code_submit(student=cast.student, typed=code.code)
        client.force_login(cast.student)
        response = client.get(reverse("attendance:checkin"))
        assert checkout_url(session) not in response.text
        assert 'hx-trigger="load delay:' in response.text

    def test_a_student_checks_out_and_sees_it_confirmed(self, client, cast, ending):
        client.force_login(cast.student)
        response = client.post(checkout_url(ending), headers=HTMX)
        assert response.text.lstrip().startswith(f'<div id="checkin-status-{ending.pk}"')
        assert "Checked out at" in response.text
        assert checkout_url(ending) not in response.text
        assert AttendanceRecord.objects.get(session=ending, student=cast.student).checked_out_at is not None

    def test_without_htmx_it_goes_back_to_the_check_in_page_with_a_message(self, client, cast, ending):
        client.force_login(cast.student)
        response = client.post(checkout_url(ending), follow=True)
        assert response.redirect_chain[-1][0] == reverse("attendance:checkin")
        assert "Check-out received." in response.text

    def test_twice_is_refused_clearly(self, client, cast, ending):
        client.force_login(cast.student)
        client.post(checkout_url(ending), headers=HTMX)
        first = AttendanceRecord.objects.get(session=ending, student=cast.student).checked_out_at
        response = client.post(checkout_url(ending), headers=HTMX)
        assert "You have already checked out, at" in response.text
        assert AttendanceRecord.objects.get(session=ending, student=cast.student).checked_out_at == first

    def test_without_a_check_in_it_is_refused_clearly(self, client, cast):
        session, _code = open_session(cast, ends_in=timedelta(minutes=5))
        client.force_login(cast.student)
        response = client.post(checkout_url(session), follow=True)
        assert "You cannot check out: you have not checked in to this session." in response.text
        assert not AttendanceRecord.objects.filter(session=session, student=cast.student).exists()

    def test_a_student_of_another_course_gets_404(self, client, cast, ending):
        client.force_login(cast.other_student)
        assert client.post(checkout_url(ending), headers=HTMX).status_code == 404

    def test_a_teacher_cannot_check_out(self, client, cast, ending):
        client.force_login(cast.teacher)
        assert client.post(checkout_url(ending)).status_code == 403

    def test_it_takes_only_a_post(self, client, cast, ending):
        client.force_login(cast.student)
        assert client.get(checkout_url(ending)).status_code == 405
        assert AttendanceRecord.objects.get(session=ending, student=cast.student).checked_out_at is None


class TestCheckOutCode:
    def test_the_teacher_shows_it_from_the_live_page(self, client, cast, ending):
        client.force_login(cast.teacher)
        response = client.post(reverse("attendance:code_new", args=[ending.pk]), {"purpose": "check_out"}, headers=HTMX)
        code = AttendanceCode.objects.get(session=ending, ended_at__isnull=True)
        assert code.purpose == Purpose.CHECK_OUT
        assert 'id="code-purpose">Check-out code<' in response.text
        assert code.code in response.text
        assert "Back to a check-in code" in response.text

    def test_an_unknown_purpose_says_so_and_issues_nothing(self, client, cast, ending):
        before = AttendanceCode.objects.get(session=ending, ended_at__isnull=True)
        client.force_login(cast.teacher)
        response = client.post(reverse("attendance:code_new", args=[ending.pk]), {"purpose": "party"}, headers=HTMX)
        assert "Choose a check-in or a check-out code." in response["HX-Trigger"]
        assert AttendanceCode.objects.get(session=ending, ended_at__isnull=True) == before

    def test_a_course_without_check_out_refuses_it_clearly(self, client, cast, live):
        session, _code = live
        client.force_login(cast.teacher)
        response = client.post(reverse("attendance:code_new", args=[session.pk]), {"purpose": "check_out"}, follow=True)
        assert "This course does not use check-out" in response.text
        assert AttendanceCode.objects.get(session=session, ended_at__isnull=True).purpose == Purpose.CHECK_IN

    def test_another_teacher_gets_404(self, client, cast, ending):
        client.force_login(cast.other_teacher)
        response = client.post(reverse("attendance:code_new", args=[ending.pk]), {"purpose": "check_out"})
        assert response.status_code == 404

    def test_the_student_types_it_in_the_box_of_their_card(self, client, cast, ending):
        code = services.code_issue(session=ending, by=cast.teacher, purpose=Purpose.CHECK_OUT)
        client.force_login(cast.student)
        card = client.get(reverse("attendance:checkin"))
        assert 'name="code"' in card.text
        assert "Check out now" in card.text and "Check in now" not in card.text
        response = client.post(reverse("attendance:checkin"), {"code": code.code}, headers=HTMX)
        assert "Check-out received." in response.text
        assert AttendanceRecord.objects.get(session=ending, student=cast.student).checked_out_at is not None

    def test_a_student_who_did_not_check_in_is_told_so(self, client, cast):
        session, _code = open_session(cast, ends_in=timedelta(minutes=5))
        code = services.code_issue(session=session, by=cast.teacher, purpose=Purpose.CHECK_OUT)
        client.force_login(cast.student)
        response = client.post(reverse("attendance:checkin"), {"code": code.code}, headers=HTMX)
        assert "you have not checked in to this session" in response.text
        assert not AttendanceRecord.objects.filter(session=session, student=cast.student).exists()

    def test_the_projector_says_it_is_for_checking_out(self, client, cast, ending):
        services.code_issue(session=ending, by=cast.teacher, purpose=Purpose.CHECK_OUT)
        client.force_login(cast.teacher)
        assert "Check out" in client.get(reverse("attendance:projector", args=[ending.pk])).text


class TestTeacherPages:
    def test_the_live_page_shows_check_out_time_and_duration(self, client, cast, ending):
        record = services.record_check_out(session=ending, student=cast.student)
        client.force_login(cast.teacher)
        response = client.get(reverse("attendance:session_live", args=[ending.pk]))
        assert "<th>Check-out</th>" in response.text
        row = response.text.split(f'id="record-{record.pk}"')[1].split("</tr>")[0]
        assert time_format(timezone.localtime(record.checked_out_at)) in row
        assert "min)" in row

    def test_a_course_without_check_out_has_no_column(self, client, cast, live):
        session, _code = live
        client.force_login(cast.teacher)
        assert "<th>Check-out</th>" not in client.get(reverse("attendance:session_live", args=[session.pk])).text

    def test_the_record_shows_the_flag_and_the_history(self, client, cast, ending):
        client.force_login(cast.teacher)
        client.post(reverse("attendance:session_close", args=[ending.pk]))
        record = AttendanceRecord.objects.get(session=ending, student=cast.student)
        assert (record.left_early, record.status) == (True, Status.PENDING)
        response = client.get(reverse("attendance:record_detail", args=[record.pk]))
        assert "left early" in response.text
        assert "Left early: did not check out" in response.text

    def test_the_course_form_edits_the_check_out_settings(self, client, cast):
        client.force_login(cast.teacher)
        url = reverse("courses:course_edit", args=[cast.course.pk])
        form = client.get(url).text
        assert 'name="checkout_required"' in form and 'name="early_leave_counts_as"' in form
        data = {"code": cast.course.code, "title": "T", "code_minutes": 10, "risk_threshold": 75}
        client.post(url, {**data, "checkout_required": "on", "checkout_minutes": 15, "early_leave_counts_as": "absent"})
        cast.course.refresh_from_db()
        assert (cast.course.checkout_required, cast.course.checkout_minutes, cast.course.early_leave_counts_as) == (
            True,
            15,
            "absent",
        )

    def test_the_course_form_refuses_a_window_out_of_range(self, client, cast):
        client.force_login(cast.teacher)
        url = reverse("courses:course_edit", args=[cast.course.pk])
        data = {"code": cast.course.code, "title": "T", "code_minutes": 10, "risk_threshold": 75}
        response = client.post(url, {**data, "checkout_minutes": 0, "early_leave_counts_as": "late"})
        assert response.status_code == 200
        assert "Ensure this value is greater than or equal to 1." in response.text
        cast.course.refresh_from_db()
        assert cast.course.checkout_minutes == 10


class TestCheckOutChecksWhereItComesFrom:
    """A session that checks the network or the place of a check-in checks a check-out alike."""

    def checked_out(self, cast, session):
        return AttendanceRecord.objects.get(session=session, student=cast.student).checked_out_at is not None

    def test_the_button_from_outside_the_networks_is_refused(self, client, cast, ending):
        ending.course.allowed_networks = "10.0.0.0/8"
        ending.course.save()
        client.force_login(cast.student)
        response = client.post(checkout_url(ending), headers=HTMX)
        assert "only from the school&#x27;s network" in response.text
        assert not self.checked_out(cast, ending)

    def test_the_button_needs_the_position_near_the_place(self, client, cast, ending):
        ending.course.latitude, ending.course.longitude, ending.course.radius = 48.8462, 2.3444, 100
        ending.course.save()
        client.force_login(cast.student)
        page = client.get(reverse("attendance:checkin")).text
        assert "data-locate" in page.split(f'hx-post="{checkout_url(ending)}"')[1].split(">")[0]
        far = {"latitude": "48.8738", "longitude": "2.2950", "accuracy": "10"}
        assert "from the place of" in client.post(checkout_url(ending), far, headers=HTMX).text
        assert "allow this page to use your location" in client.post(checkout_url(ending), headers=HTMX).text
        assert not self.checked_out(cast, ending)
        near = {"latitude": "48.8463", "longitude": "2.3445", "accuracy": "10"}
        assert "Checked out at" in client.post(checkout_url(ending), near, headers=HTMX).text

    def test_an_unreadable_position_is_refused_clearly(self, client, cast, ending):
        client.force_login(cast.student)
        response = client.post(checkout_url(ending), {"latitude": "north", "longitude": "2"}, headers=HTMX)
        assert "cannot be read" in response.text
        assert not self.checked_out(cast, ending)

    def test_the_check_out_code_from_outside_the_networks_is_refused(self, client, cast, ending):
        ending.course.allowed_networks = "10.0.0.0/8"
        ending.course.save()
        code = services.code_issue(session=ending, by=cast.teacher, purpose=Purpose.CHECK_OUT)
        client.force_login(cast.student)
        response = client.post(reverse("attendance:checkin"), {"code": code.code}, headers=HTMX)
        assert "only from the school&#x27;s network" in response.text
        assert not self.checked_out(cast, ending)

    def test_the_button_counts_in_the_students_own_limit(self, client, cast, ending, settings):
        settings.CHECKIN_RATE_PER_STUDENT = 0
        client.force_login(cast.student)
        response = client.post(checkout_url(ending), headers=HTMX)
        assert "Too many check-ins from you" in response.text
        assert not self.checked_out(cast, ending)
