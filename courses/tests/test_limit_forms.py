"""A teacher sets where check-ins must come from, on the course form and (to override it) on the session form."""

import pytest
from django.urls import reverse

from courses.limits import Override
from courses.models import Course
from courses.tests.test_views import CHECKOUT

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher_client(client, cast):
    client.force_login(cast.teacher)
    return client


def course_data(course, **limits):
    return {"code": course.code, "title": course.title, "code_minutes": 10, "risk_threshold": 75, **CHECKOUT, **limits}


SESSION = {"starts_at": "2026-12-01T10:00", "ends_at": "2026-12-01T11:00", "room": "B2", "late_after_minutes": 10}


class TestCourseForm:
    def test_a_teacher_sets_a_place_and_networks(self, teacher_client, cast):
        limits = {"latitude": "48.8462", "longitude": "2.3444", "radius": "150", "allowed_networks": "10.0.0.0/8"}
        response = teacher_client.post(
            reverse("courses:course_edit", args=[cast.course.pk]), course_data(cast.course, **limits)
        )
        assert response.status_code == 302
        cast.course.refresh_from_db()
        assert (cast.course.latitude, cast.course.longitude, cast.course.radius) == (48.8462, 2.3444, 150)
        assert cast.course.allowed_networks == "10.0.0.0/8"

    def test_the_form_offers_the_fields(self, teacher_client, cast):
        page = teacher_client.get(reverse("courses:course_edit", args=[cast.course.pk])).text
        for name in ["latitude", "longitude", "radius", "allowed_networks"]:
            assert f'name="{name}"' in page

    @pytest.mark.parametrize(
        ("limits", "message"),
        [
            ({"latitude": "91", "longitude": "2", "radius": "100"}, "less than or equal to 90"),
            ({"latitude": "48", "longitude": "-181", "radius": "100"}, "greater than or equal to -180"),
            ({"latitude": "48", "longitude": "2", "radius": "0"}, "greater than or equal to 20"),
            ({"latitude": "48", "longitude": "2", "radius": "50000"}, "less than or equal to 5000"),
            ({"latitude": "48", "radius": "100"}, "A place needs a latitude, a longitude and a radius."),
        ],
    )
    def test_a_bad_place_is_a_field_error_and_changes_nothing(self, teacher_client, cast, limits, message):
        response = teacher_client.post(
            reverse("courses:course_edit", args=[cast.course.pk]), course_data(cast.course, **limits)
        )
        assert response.status_code == 200
        assert message in response.text
        cast.course.refresh_from_db()
        assert cast.course.radius is None and cast.course.latitude is None

    def test_each_bad_network_has_its_own_error(self, teacher_client, cast):
        response = teacher_client.post(
            reverse("courses:course_create"),
            course_data(cast.course, code="NET1", allowed_networks="10.0.0.0/8\nwifi\n10.0.0.0/40"),
        )
        assert response.status_code == 200
        assert "“wifi” is not a network" in response.text
        assert "“10.0.0.0/40” is not a network" in response.text
        assert not Course.objects.filter(code="NET1").exists()


class TestSessionForm:
    def test_a_session_gets_its_own_place_and_no_network_check(self, teacher_client, cast):
        data = {
            **SESSION,
            "location_override": Override.OWN,
            "latitude": "45.7578",
            "longitude": "4.832",
            "radius": "300",
            "network_override": Override.OFF,
        }
        response = teacher_client.post(reverse("courses:session_edit", args=[cast.session.pk]), data)
        assert response.status_code == 302
        cast.session.refresh_from_db()
        assert (cast.session.location_override, cast.session.radius) == (Override.OWN, 300)
        assert cast.session.network_override == Override.OFF

    def test_a_new_session_may_list_its_own_networks(self, teacher_client, cast):
        data = {**SESSION, "network_override": Override.OWN, "allowed_networks": "2001:db8::/32, 192.0.2.0/24"}
        teacher_client.post(reverse("courses:session_create", args=[cast.course.pk]), data)
        session = cast.course.sessions.get(room="B2")
        assert session.network_override == Override.OWN
        assert session.allowed_networks == "2001:db8::/32, 192.0.2.0/24"

    def test_its_own_place_without_a_place_is_refused(self, teacher_client, cast):
        data = {**SESSION, "location_override": Override.OWN, "network_override": Override.OWN}
        response = teacher_client.post(reverse("courses:session_edit", args=[cast.session.pk]), data)
        assert response.status_code == 200
        assert "A place needs a latitude, a longitude and a radius." in response.text
        assert "List this session&#x27;s networks" in response.text
        cast.session.refresh_from_db()
        assert cast.session.location_override == Override.COURSE and cast.session.room == "A1"

    def test_another_teachers_session_is_not_found(self, client, cast):
        client.force_login(cast.other_teacher)
        data = {**SESSION, "location_override": Override.OFF}
        assert client.post(reverse("courses:session_edit", args=[cast.session.pk]), data).status_code == 404
        cast.session.refresh_from_db()
        assert cast.session.location_override == Override.COURSE


class TestShown:
    def test_the_course_page_shows_its_teachers_the_limits_and_not_its_students(self, client, cast):
        cast.course.latitude, cast.course.longitude, cast.course.radius = 48.8462, 2.3444, 150
        cast.course.allowed_networks = "10.0.0.0/8\n2001:db8::/32"
        cast.course.save()
        client.force_login(cast.teacher)
        page = client.get(reverse("courses:course_detail", args=[cast.course.pk])).text
        assert "Check-in within 150 m of 48.846200, 2.344400" in page
        assert "Check-in only from 10.0.0.0/8, 2001:db8::/32" in page
        client.force_login(cast.student)
        assert "checkin-limits" not in client.get(reverse("courses:course_detail", args=[cast.course.pk])).text

    def test_the_live_page_shows_what_the_session_checks(self, client, cast):
        cast.course.latitude, cast.course.longitude, cast.course.radius = 48.8462, 2.3444, 150
        cast.course.save()
        cast.session.network_override = Override.OWN
        cast.session.allowed_networks = "192.0.2.0/24"
        cast.session.save()
        client.force_login(cast.teacher)
        page = client.get(reverse("attendance:session_live", args=[cast.session.pk])).text
        assert "Check-in within 150 m" in page and "Check-in only from 192.0.2.0/24" in page
        cast.session.location_override = Override.OFF
        cast.session.save()
        page = client.get(reverse("attendance:session_live", args=[cast.session.pk])).text
        assert "Check-in within" not in page


@pytest.mark.parametrize("form", ["course", "session"])
def test_the_use_my_position_button_sits_under_the_place_it_fills(teacher_client, cast, form):
    url = reverse("courses:course_edit", args=[cast.course.pk]) if form == "course" else None
    url = url or reverse("courses:session_edit", args=[cast.session.pk])
    page = teacher_client.get(url).text
    # Right under the latitude and longitude it fills, above the radius the teacher sets next; not under the
    # networks at the end of the form.
    order = [page.index(marker) for marker in ('name="longitude"', "data-use-position", 'name="radius"')]
    assert order == sorted(order)
    assert page.index("data-use-position") < page.index('name="allowed_networks"')
