"""The location and network checks through the check-in page, and what the teacher sees of them."""

import ipaddress
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.urls import reverse
from django.utils import timezone

from attendance import services
from attendance.models import AttendanceRecord
from attendance.tests.test_integrity import HALL, north
from courses.tests.factories import ClassSessionFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def placed(cast, live):
    cast.course.latitude, cast.course.longitude, cast.course.radius = *HALL, 100
    cast.course.save()
    return live


@pytest.fixture
def networked(cast, live):
    cast.course.allowed_networks = "192.168.0.0/16"
    cast.course.save()
    return live


def check_in(client, code, **data):
    return client.post(reverse("attendance:checkin"), {"code": code.code, **data}, headers=HTMX)


def position(metres, accuracy=10):
    return {"latitude": north(metres), "longitude": HALL[1], "accuracy": accuracy}


class TestLocation:
    def test_the_check_in_form_asks_for_the_position_only_when_a_session_needs_it(self, client, cast, live):
        client.force_login(cast.student)
        assert "data-locate" not in client.get(reverse("attendance:checkin")).text
        cast.course.latitude, cast.course.longitude, cast.course.radius = *HALL, 100
        cast.course.save()
        page = client.get(reverse("attendance:checkin")).text
        assert "data-locate" in page
        assert "This check-in needs your location" in page
        assert "data-locate" in client.get(reverse("home")).text

    def test_a_student_inside_the_radius_checks_in(self, client, cast, placed):
        session, code = placed
        client.force_login(cast.student)
        response = check_in(client, code, **position(30, accuracy=8))
        assert "Check-in received." in response.text
        record = AttendanceRecord.objects.get(session=session, student=cast.student)
        assert record.accuracy == 8 and record.distance == pytest.approx(30, abs=0.5)

    def test_a_student_outside_is_refused_and_can_try_again(self, client, cast, placed):
        session, code = placed
        client.force_login(cast.student)
        response = check_in(client, code, **position(2000, accuracy=20))
        assert "You are about 2,000 m from the place of" in response.text
        assert "data-locate" in response.text
        assert not AttendanceRecord.objects.filter(session=session, student=cast.student).exists()

    def test_a_student_without_a_position_is_told_to_share_it(self, client, cast, placed):
        _session, code = placed
        client.force_login(cast.student)
        response = client.post(reverse("attendance:checkin"), {"code": code.code})
        assert "allow this page to use your location" in response.text

    @pytest.mark.parametrize(
        "data",
        [
            {"latitude": "91", "longitude": "2.3", "accuracy": "5"},
            {"latitude": "48.8", "longitude": "abc", "accuracy": "5"},
            {"latitude": "48.8", "longitude": "2.3", "accuracy": "-1"},
            {"latitude": "nan", "longitude": "2.3", "accuracy": "5"},
            {"latitude": "48.8", "longitude": "2.3"},
        ],
    )
    def test_a_position_that_cannot_be_right_is_refused_clearly(self, client, cast, placed, data):
        session, code = placed
        client.force_login(cast.student)
        response = check_in(client, code, **data)
        assert response.status_code == 200
        assert "Your browser sent a position that cannot be read." in response.text
        assert not AttendanceRecord.objects.filter(session=session, student=cast.student).exists()

    def test_the_teacher_sees_the_distance_on_the_live_page_and_the_record(self, client, cast, placed):
        session, code = placed
        client.force_login(cast.student)
        check_in(client, code, **position(42, accuracy=15))
        record = AttendanceRecord.objects.get(session=session, student=cast.student)
        client.force_login(cast.teacher)
        assert "42 m (±15 m)" in client.get(reverse("attendance:session_live", args=[session.pk])).text
        detail = client.get(reverse("attendance:record_detail", args=[record.pk])).text
        assert "42 m (±15 m)" in detail
        assert f"{north(42):.6f}, {HALL[1]:.6f}" in detail


class TestNetworks:
    def test_a_check_in_from_outside_the_networks_is_refused(self, client, cast, networked):
        session, code = networked
        client.force_login(cast.student)
        response = client.post(reverse("attendance:checkin"), {"code": code.code}, REMOTE_ADDR="203.0.113.9")
        assert "allowed only from the school&#x27;s network" in response.text
        assert not AttendanceRecord.objects.filter(session=session, student=cast.student).exists()

    def test_a_check_in_from_inside_is_recorded_with_its_address(self, client, cast, networked):
        session, code = networked
        client.force_login(cast.student)
        client.post(reverse("attendance:checkin"), {"code": code.code}, REMOTE_ADDR="192.168.3.4")
        assert AttendanceRecord.objects.get(session=session, student=cast.student).ip_address == "192.168.3.4"

    def test_the_forwarded_address_is_ignored_unless_the_proxy_is_trusted(self, client, cast, networked, settings):
        session, code = networked
        client.force_login(cast.student)
        forwarded = {"X-Forwarded-For": "192.168.3.4"}
        response = client.post(
            reverse("attendance:checkin"), {"code": code.code}, REMOTE_ADDR="10.9.9.9", headers=forwarded
        )
        assert "school&#x27;s network" in response.text
        settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.9.9.9")]
        client.post(reverse("attendance:checkin"), {"code": code.code}, REMOTE_ADDR="10.9.9.9", headers=forwarded)
        assert AttendanceRecord.objects.get(session=session, student=cast.student).ip_address == "192.168.3.4"

    def test_the_address_limit_counts_each_client_behind_the_proxy(self, client, cast, live, settings):
        _session, code = live
        settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.9.9.9")]
        settings.CHECKIN_RATE_PER_ADDRESS = 1
        students = [cast.student, *(EnrollmentFactory(course=cast.course).student for _ in range(2))]
        answers = []
        for student, address in zip(students, ["198.51.100.1", "198.51.100.2", "198.51.100.2"], strict=True):
            client.force_login(student)
            answers.append(
                client.post(
                    reverse("attendance:checkin"),
                    {"code": code.code},
                    REMOTE_ADDR="10.9.9.9",
                    headers={"X-Forwarded-For": address},
                ).text
            )
        assert ["Check-in received." in answer for answer in answers] == [True, True, False]
        assert "Too many check-ins from your network" in answers[2]


@pytest.mark.django_db(transaction=True)
def test_both_checks_cost_no_query(client, cast, django_assert_max_num_queries):
    """The six queries of a check-in (attendance/tests/test_views.py), with a place and networks to check."""
    cast.course.latitude, cast.course.longitude, cast.course.radius = *HALL, 100
    cast.course.allowed_networks = "127.0.0.0/8"
    cast.course.save()
    now = timezone.now()
    session = ClassSessionFactory(course=cast.course, starts_at=now, ends_at=now + timedelta(hours=1))
    code = services.session_open(session=session, by=cast.teacher)
    client.force_login(cast.student)

    async def check_in():
        url = reverse("attendance:checkin")
        return await sync_to_async(client.post)(url, {"code": code.code, **position(20)}, headers=HTMX)

    with django_assert_max_num_queries(6):
        response = async_to_sync(check_in)()
    assert "Check-in received." in response.text
    assert AttendanceRecord.objects.get(session=session, student=cast.student).distance == pytest.approx(20, abs=1)
