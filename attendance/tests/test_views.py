from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.urls import reverse
from django.utils import timezone

from attendance import selectors, services
from attendance.models import AttendanceRecord, Method, Status
from attendance.views.checkin import DEVICE_COOKIE
from courses.models import SessionState
from courses.tests.factories import ClassSessionFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


class TestCheckin:
    def test_a_student_checks_in_and_sees_pending(self, client, cast, live):
        session, code = live
        client.force_login(cast.student)
        response = client.post(reverse("attendance:checkin"), {"code": code.code.lower()})
        assert "Check-in received." in response.text
        assert f'id="checkin-status-{session.pk}"' in response.text
        record = AttendanceRecord.objects.get(session=session, student=cast.student)
        assert (record.status, record.method, record.ip_address) == (Status.PENDING, Method.CODE, "127.0.0.1")
        assert DEVICE_COOKIE in response.cookies

    def test_the_browser_marker_is_kept_on_the_record(self, client, cast, live):
        session, code = live
        client.force_login(cast.student)
        client.cookies[DEVICE_COOKIE] = "phone-42"
        client.post(reverse("attendance:checkin"), {"code": code.code})
        assert AttendanceRecord.objects.get(session=session, student=cast.student).browser_marker == "phone-42"

    def test_the_qr_link_fills_the_code_in_and_records_the_method(self, client, cast, live):
        session, code = live
        client.force_login(cast.student)
        page = client.get(reverse("attendance:checkin"), {"code": code.code, "via": "qr"})
        assert f'value="{code.code}"' in page.text
        client.post(reverse("attendance:checkin"), {"code": code.code, "via": "qr"})
        assert AttendanceRecord.objects.get(session=session, student=cast.student).method == Method.QR

    def test_a_wrong_code_shows_why_and_records_nothing(self, client, cast, live):
        session, _code = live
        client.force_login(cast.student)
        response = client.post(reverse("attendance:checkin"), {"code": "ZZZZZZ"})
        assert "Wrong code. 4 attempts left." in response.text
        assert not AttendanceRecord.objects.filter(session=session, student=cast.student).exists()

    def test_a_student_typing_too_fast_is_told_to_wait_and_nothing_is_recorded(self, client, cast, live, settings):
        session, code = live
        settings.CHECKIN_RATE_PER_STUDENT = 1
        client.force_login(cast.student)
        client.post(reverse("attendance:checkin"), {"code": "ZZZZZZ"})
        response = client.post(reverse("attendance:checkin"), {"code": code.code}, headers={"HX-Request": "true"})
        assert "Too many check-ins from you right now. Wait a minute and try again." in response.text
        assert not AttendanceRecord.objects.filter(session=session, student=cast.student).exists()

    def test_an_anonymous_visitor_from_the_qr_logs_in_first_and_comes_back(self, client, live):
        _session, code = live
        url = f"{reverse('attendance:checkin')}?code={code.code}&via=qr"
        response = client.get(url)
        assert response.status_code == 302
        assert "next=" in response.url

    def test_the_student_dashboard_offers_the_code_box_for_an_open_session(self, client, cast, live):
        client.force_login(cast.student)
        response = client.get(reverse("home"))
        assert "Check in now" in response.text
        assert 'name="code"' in response.text


class TestLivePage:
    def test_it_shows_the_code_counters_and_check_ins(self, client, cast, live):
        session, code = live
        record = services.code_submit(student=cast.student, typed=code.code)
        client.force_login(cast.teacher)
        response = client.get(reverse("attendance:session_live", args=[session.pk]))
        assert code.code in response.text
        assert f'id="record-{record.pk}"' in response.text
        assert 'data-counter="pending">1<' in response.text
        assert f'ws-connect="/ws/sessions/{session.pk}/"' in response.text

    def test_htmx_gets_only_the_live_body_for_a_resync(self, client, cast, live):
        session, _code = live
        client.force_login(cast.teacher)
        response = client.get(reverse("attendance:session_live", args=[session.pk]), headers={"HX-Request": "true"})
        assert response.text.lstrip().startswith('<div id="live-body"')

    def test_its_query_count_does_not_grow_with_the_roster(self, client, cast, live, django_assert_max_num_queries):
        session, _code = live
        for _ in range(300):
            student = EnrollmentFactory(course=cast.course).student
            AttendanceRecord.objects.create(session=session, student=student, status=Status.PRESENT)
        client.force_login(cast.teacher)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("attendance:session_live", args=[session.pk]))
        assert response.text.count('id="record-') == 300

    def test_validate_and_reject_through_htmx(self, client, cast, live):
        _session, code = live
        first = services.code_submit(student=cast.student, typed=code.code)
        client.force_login(cast.teacher)
        response = client.post(reverse("attendance:record_validate", args=[first.pk]), headers={"HX-Request": "true"})
        assert response.text.lstrip().startswith('<div id="live-body"')
        first.refresh_from_db()
        assert first.status == Status.PRESENT

    def test_rejecting_without_a_reason_says_why_and_changes_nothing(self, client, cast, live):
        _session, code = live
        record = services.code_submit(student=cast.student, typed=code.code)
        client.force_login(cast.teacher)
        response = client.post(
            reverse("attendance:record_reject", args=[record.pk]), {"reason": ""}, headers={"HX-Request": "true"}
        )
        assert "Say why the check-in is rejected" in response["HX-Trigger"]
        record.refresh_from_db()
        assert record.status == Status.PENDING

    def test_closing_marks_missing_students_absent(self, client, cast, live):
        session, _code = live
        client.force_login(cast.teacher)
        client.post(reverse("attendance:session_close", args=[session.pk]))
        session.refresh_from_db()
        assert session.state == SessionState.CLOSED
        assert AttendanceRecord.objects.get(session=session, student=cast.student).status == Status.ABSENT

    def test_another_teacher_cannot_validate(self, client, cast, live):
        _session, code = live
        record = services.code_submit(student=cast.student, typed=code.code)
        client.force_login(cast.other_teacher)
        assert client.post(reverse("attendance:record_validate", args=[record.pk])).status_code == 404
        record.refresh_from_db()
        assert record.status == Status.PENDING


class TestRollCall:
    def test_it_saves_the_roster_in_one_go(self, client, cast, live):
        session, _code = live
        other = EnrollmentFactory(course=cast.course).student
        client.force_login(cast.teacher)
        url = reverse("attendance:roll_call", args=[session.pk])
        assert cast.student.get_full_name() in client.get(url).text
        response = client.post(url, {f"student-{cast.student.pk}": "late", f"student-{other.pk}": "excused"})
        assert response.status_code == 302
        assert dict(AttendanceRecord.objects.filter(session=session).values_list("student_id", "status")) == {
            cast.student.pk: "late",
            other.pk: "excused",
        }

    def test_an_unknown_status_is_a_field_error(self, client, cast, live):
        session, _code = live
        client.force_login(cast.teacher)
        response = client.post(
            reverse("attendance:roll_call", args=[session.pk]), {f"student-{cast.student.pk}": "asleep"}
        )
        assert "Select a valid choice" in response.text
        assert not AttendanceRecord.objects.filter(session=session).exists()


class TestProjector:
    def test_it_shows_the_code_and_a_qr_linking_to_check_in(self, client, cast, live):
        session, code = live
        client.force_login(cast.teacher)
        response = client.get(reverse("attendance:projector", args=[session.pk]))
        assert f'data-code="{code.code}"' in response.text
        assert "<svg" in response.text

    def test_a_rotating_code_is_shown_and_accepted(self, client, cast, live):
        session, _code = live
        cast.course.rotate_seconds = 30
        cast.course.save()
        code = services.code_issue(session=session, by=cast.teacher)
        client.force_login(cast.teacher)
        shown, _ = services.code_shown(code)
        assert f'data-code="{shown}"' in client.get(reverse("attendance:projector", args=[session.pk])).text
        assert services.code_submit(student=cast.student, typed=shown).session == session


class TestRecordDetail:
    def test_it_shows_the_history(self, client, cast, live):
        _session, code = live
        record = services.code_submit(student=cast.student, typed=code.code)
        services.record_reject(record=record, by=cast.teacher, reason="Seen outside")
        client.force_login(cast.teacher)
        response = client.get(reverse("attendance:record_detail", args=[record.pk]))
        assert "Seen outside" in response.text
        assert "Check-in" in response.text


def test_the_first_two_students_on_one_browser_are_flagged(client, cast, live):
    session, code = live
    other = EnrollmentFactory(course=cast.course).student
    client.force_login(cast.student)
    client.post(reverse("attendance:checkin"), {"code": code.code})
    client.force_login(other)
    client.post(reverse("attendance:checkin"), {"code": code.code})
    markers = set(AttendanceRecord.objects.filter(session=session).values_list("browser_marker", flat=True))
    assert len(markers) == 1 and "" not in markers
    flagged = [r for r in selectors.records_for_live(session) if r.shared_browser]
    assert len(flagged) == 2


def test_a_reason_too_long_is_refused_and_changes_nothing(client, cast, live):
    _session, code = live
    record = services.code_submit(student=cast.student, typed=code.code)
    client.force_login(cast.teacher)
    response = client.post(
        reverse("attendance:record_reject", args=[record.pk]), {"reason": "x" * 301}, headers={"HX-Request": "true"}
    )
    assert "at most 300 characters" in response["HX-Trigger"]
    record.refresh_from_db()
    assert record.status == Status.PENDING


def test_the_check_in_page_serves_the_card_alone_to_htmx(client, cast, live):
    client.force_login(cast.student)
    response = client.get(reverse("attendance:checkin"), headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="checkin-card"')
    assert "Check in now" in response.text


@pytest.mark.django_db(transaction=True)
def test_a_check_in_costs_at_most_six_queries_whatever_the_course(client, cast, django_assert_max_num_queries):
    """The lecture hall's hot path, counted as production runs it: no test transaction around the request (so
    no savepoints), and an event loop that owns the sockets, as under daphne (so the counters follow on their
    own, once for many check-ins). The user, the code with all the check-in needs, BEGIN, two inserts, COMMIT."""
    now = timezone.now()
    session = ClassSessionFactory(course=cast.course, starts_at=now, ends_at=now + timedelta(hours=1))
    code = services.session_open(session=session, by=cast.teacher)
    EnrollmentFactory.create_batch(30, course=cast.course)
    client.force_login(cast.student)

    async def check_in():
        url = reverse("attendance:checkin")
        return await sync_to_async(client.post)(url, {"code": code.code}, headers={"HX-Request": "true"})

    with django_assert_max_num_queries(6):
        response = async_to_sync(check_in)()
    assert "Check-in received." in response.text
