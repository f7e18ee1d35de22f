import ipaddress

import pytest
from django.core.exceptions import ValidationError

from courses.limits import Override, Place, distance_m, networks_of, parse_networks, place_of
from courses.tests.factories import ClassSessionFactory, CourseFactory

SORBONNE = (48.8462, 2.3444)


class TestDistance:
    @pytest.mark.parametrize(
        ("first", "second", "km"),
        [
            ((48.8566, 2.3522), (51.5074, -0.1278), 343.5),  # Paris - London
            ((-23.55, -46.6333), (-22.9111, -43.2056), 357.0),  # São Paulo - Rio de Janeiro (Wikipedia centres)
            ((40.7128, -74.0060), (34.0522, -118.2437), 3935.7),  # New York - Los Angeles
            ((-33.8688, 151.2093), (-37.8136, 144.9631), 713.4),  # Sydney - Melbourne
        ],
    )
    def test_it_matches_known_city_pairs(self, first, second, km):
        assert distance_m(*first, *second) == pytest.approx(km * 1000, rel=0.003)

    def test_it_is_symmetric_and_zero_at_the_same_point(self):
        assert distance_m(*SORBONNE, *SORBONNE) == 0
        assert distance_m(0, 0, 0, 1) == pytest.approx(distance_m(0, 1, 0, 0))

    def test_it_goes_across_the_date_line_and_to_the_antipode(self):
        assert distance_m(0, 179.5, 0, -179.5) == pytest.approx(111_195, rel=0.001)
        assert distance_m(0, 0, 0, 180) == pytest.approx(20_015_115, rel=0.001)

    def test_a_hundred_metres_is_a_hundred_metres(self):
        # 0.0009 degrees of latitude is 100 m.
        assert distance_m(48.8462, 2.3444, 48.8471, 2.3444) == pytest.approx(100, abs=0.5)


class TestParseNetworks:
    def test_it_reads_ipv4_ipv6_and_single_addresses_in_any_separation(self):
        networks = parse_networks("10.0.0.0/8, 2001:db8::/32\n192.0.2.7  192.168.1.9/24")
        assert networks == [
            ipaddress.ip_network("10.0.0.0/8"),
            ipaddress.ip_network("2001:db8::/32"),
            ipaddress.ip_network("192.0.2.7/32"),
            ipaddress.ip_network("192.168.1.0/24"),
        ]

    def test_an_empty_list_is_no_network(self):
        assert parse_networks("  \n ") == []

    def test_each_bad_entry_has_its_own_message(self):
        with pytest.raises(ValidationError) as error:
            parse_networks("10.0.0.0/8\nschool-wifi\n300.1.1.1\n10.0.0.0/33")
        assert len(error.value.messages) == 3
        assert "“school-wifi” is not a network" in error.value.messages[0]
        assert "“300.1.1.1”" in error.value.messages[1]
        assert "“10.0.0.0/33”" in error.value.messages[2]


@pytest.mark.django_db
class TestSessionLimits:
    def course(self):
        return CourseFactory(latitude=48.8462, longitude=2.3444, radius=100, allowed_networks="10.0.0.0/8")

    def test_a_session_follows_its_course(self):
        session = ClassSessionFactory(course=self.course())
        assert place_of(session) == Place(48.8462, 2.3444, 100)
        assert networks_of(session) == [ipaddress.ip_network("10.0.0.0/8")]

    def test_a_session_may_have_its_own_place_and_networks(self):
        session = ClassSessionFactory(
            course=self.course(),
            location_override=Override.OWN,
            latitude=45.76,
            longitude=4.83,
            radius=300,
            network_override=Override.OWN,
            allowed_networks="2001:db8::/32",
        )
        assert place_of(session) == Place(45.76, 4.83, 300)
        assert networks_of(session) == [ipaddress.ip_network("2001:db8::/32")]

    def test_a_field_trip_turns_the_checks_off(self):
        session = ClassSessionFactory(
            course=self.course(), location_override=Override.OFF, network_override=Override.OFF
        )
        assert place_of(session) is None
        assert networks_of(session) == []

    def test_a_course_without_limits_checks_nothing(self):
        session = ClassSessionFactory()
        assert place_of(session) is None
        assert networks_of(session) == []

    def test_a_place_must_be_whole(self):
        course = CourseFactory.build(code="GEO1", title="Geo", latitude=48.8, radius=100)
        with pytest.raises(ValidationError) as error:
            course.full_clean()
        assert set(error.value.message_dict) == {"longitude"}

    def test_a_session_with_its_own_place_or_networks_must_have_them(self):
        session = ClassSessionFactory.build(
            course=self.course(), location_override=Override.OWN, network_override=Override.OWN
        )
        with pytest.raises(ValidationError) as error:
            session.full_clean()
        assert set(error.value.message_dict) == {"latitude", "longitude", "radius", "allowed_networks"}
