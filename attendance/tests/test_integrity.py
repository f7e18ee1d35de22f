"""Where a check-in comes from: the session's allowed networks and its place."""

import pytest

from attendance import services
from attendance.models import AttendanceRecord, CodeLockout
from attendance.services.integrity import Position, within
from attendance_system.errors import DomainError
from courses.limits import Override

pytestmark = pytest.mark.django_db

# A lecture hall at the Sorbonne.
HALL = (48.8462, 2.3444)


def north(metres):
    """The latitude `metres` north of the hall (a degree of latitude is 111,195 m on the mean sphere)."""
    return HALL[0] + metres / 111_195.08


def at(metres, accuracy=10):
    return Position(north(metres), HALL[1], accuracy)


@pytest.fixture
def placed(cast, live):
    """The live session, its course checking a place of 100 m around the hall."""
    cast.course.latitude, cast.course.longitude, cast.course.radius = *HALL, 100
    cast.course.save()
    return live


@pytest.fixture
def networked(cast, live):
    cast.course.allowed_networks = "192.168.0.0/16\n2001:db8::/32"
    cast.course.save()
    return live


def submit(cast, code, **kwargs):
    return services.code_submit(student=cast.student, typed=code.code, **kwargs)


class TestPlace:
    def test_a_check_in_inside_the_radius_keeps_the_position_and_the_distance(self, cast, placed):
        _session, code = placed
        record = submit(cast, code, position=at(40, accuracy=12))
        record.refresh_from_db()
        assert (record.latitude, record.longitude, record.accuracy) == (north(40), HALL[1], 12)
        assert record.distance == pytest.approx(40, abs=0.5)

    def test_a_check_in_outside_the_radius_is_refused_and_says_how_far(self, cast, placed):
        session, code = placed
        with pytest.raises(DomainError) as error:
            submit(cast, code, position=at(350))
        assert "about 350 m from the place of" in error.value.message
        assert "within 100 m" in error.value.message
        assert not AttendanceRecord.objects.filter(session=session, student=cast.student).exists()

    def test_a_student_who_declines_is_told_to_share_the_location(self, cast, placed):
        _session, code = placed
        with pytest.raises(DomainError, match="allow this page to use your location"):
            submit(cast, code, position=None)

    def test_a_refusal_is_not_a_wrong_code(self, cast, placed):
        session, code = placed
        for _ in range(6):
            with pytest.raises(DomainError):
                submit(cast, code, position=at(500))
        assert not CodeLockout.objects.filter(session=session, student=cast.student, failures__gt=0).exists()
        assert submit(cast, code, position=at(10)).distance == pytest.approx(10, abs=0.5)

    def test_the_accuracy_gives_the_benefit_of_the_doubt(self, cast, placed):
        _session, code = placed
        assert submit(cast, code, position=at(150, accuracy=60)).distance == pytest.approx(150, abs=0.5)

    def test_a_session_elsewhere_checks_its_own_place(self, cast, placed):
        session, code = placed
        session.location_override = Override.OWN
        session.latitude, session.longitude, session.radius = 45.7578, 4.8320, 200  # Lyon
        session.save()
        with pytest.raises(DomainError, match="from the place of"):
            submit(cast, code, position=at(0))
        assert submit(cast, code, position=Position(45.7580, 4.8322, 5)).distance < 50

    def test_a_field_trip_does_not_ask_where_the_student_is(self, cast, placed):
        session, code = placed
        session.location_override = Override.OFF
        session.save()
        record = submit(cast, code, position=None)
        assert record.distance is None and record.latitude is None


class TestWithin:
    @pytest.mark.parametrize(
        ("distance", "accuracy", "radius", "inside"),
        [
            (99, 5, 100, True),
            (104, 5, 100, True),  # the phone may well be inside
            (106, 5, 100, False),
            (190, 150, 100, True),  # accuracy counts up to the radius...
            (201, 5000, 100, False),  # ...never more: twice the radius is the farthest accepted
            (0, 0, 20, True),
        ],
    )
    def test_the_rule(self, distance, accuracy, radius, inside):
        assert within(distance, accuracy, radius) is inside


class TestNetworks:
    @pytest.mark.parametrize("address", ["192.168.12.7", "2001:db8:1::9", "::ffff:192.168.0.1"])
    def test_a_check_in_from_an_allowed_network_is_recorded(self, cast, networked, address):
        _session, code = networked
        assert submit(cast, code, address=address).ip_address == address

    @pytest.mark.parametrize("address", ["203.0.113.9", "2001:db9::1", None])
    def test_a_check_in_from_elsewhere_is_refused(self, cast, networked, address):
        session, code = networked
        with pytest.raises(DomainError, match="allowed only from the school's network"):
            submit(cast, code, address=address)
        assert not AttendanceRecord.objects.filter(session=session, student=cast.student).exists()

    def test_a_session_may_list_its_own_networks(self, cast, networked):
        session, code = networked
        session.network_override = Override.OWN
        session.allowed_networks = "203.0.113.0/24"
        session.save()
        with pytest.raises(DomainError, match="school's network"):
            submit(cast, code, address="192.168.12.7")
        assert submit(cast, code, address="203.0.113.9")

    def test_a_session_may_accept_any_network(self, cast, networked):
        session, code = networked
        session.network_override = Override.OFF
        session.save()
        assert submit(cast, code, address="203.0.113.9")

    def test_the_network_is_checked_before_the_place(self, cast, networked, placed):
        _session, code = placed
        with pytest.raises(DomainError, match="school's network"):
            submit(cast, code, address="203.0.113.9", position=None)
