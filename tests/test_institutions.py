"""Several institutions on one installation: what one holds is never found from another (links, imports, live
sockets), its settings apply to its own people and courses, and its times are shown in its time zone. The
permission matrix (test_permission_matrix.py) tries every URL from the other institution; Django admin is in
test_institution_admin.py."""

from datetime import UTC, datetime

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.services import parent_link_add
from accounts.tests.factories import InstitutionFactory, StudentFactory, TeacherFactory
from attendance_system.csvimport import ImportRejected
from attendance_system.errors import DomainError
from attendance_system.routing import websocket_urlpatterns
from courses import services as course_services
from courses.models import Course, Enrollment
from courses.notices import session_params
from courses.tests.factories import ClassSessionFactory, CourseFactory, TermFactory
from notifications.live import session_watch_group
from notifications.models import Kind
from notifications.services import notify

pytestmark = pytest.mark.django_db


class TestNothingLinksAcrossInstitutions:
    def test_a_roster_finds_no_student_of_another_institution(self, cast, elsewhere):
        with pytest.raises(DomainError, match="No student has"):
            course_services.enrollment_add(course=cast.course, identifier=elsewhere.student.email)
        with pytest.raises(DomainError, match="No student has"):
            course_services.enrollment_add(course=cast.course, identifier=elsewhere.student.student_number)

    def test_a_roster_import_finds_no_student_of_another_institution(self, cast, elsewhere):
        with pytest.raises(ImportRejected):
            course_services.enrollments_import(course=cast.course, text=elsewhere.other_student.email)
        assert not Enrollment.objects.filter(course=cast.course, student=elsewhere.other_student).exists()

    def test_an_enrolment_across_institutions_is_refused(self, cast, elsewhere):
        with pytest.raises(ValidationError, match="course's institution"):
            course_services.enrollment_save(enrollment=Enrollment(course=cast.course, student=elsewhere.student))

    def test_a_teacher_of_another_institution_cannot_be_given_a_course(self, cast, elsewhere):
        with pytest.raises(DomainError, match="teachers belong to its institution"):
            course_services.course_set_teachers(course=cast.course, teachers=[elsewhere.teacher])
        assert list(cast.course.teachers.all()) == [cast.teacher]

    def test_a_parent_is_linked_to_no_child_of_another_institution(self, cast, elsewhere):
        with pytest.raises(DomainError, match="one institution"):
            parent_link_add(parent=elsewhere.other_parent, child=cast.student)

    def test_a_course_takes_no_term_of_another_institution(self, cast, elsewhere):
        cast.course.term = TermFactory(year__institution=elsewhere.institution)
        with pytest.raises(ValidationError, match="term of the course's institution"):
            cast.course.full_clean()

    def test_course_codes_and_student_numbers_repeat_across_institutions_but_not_inside_one(self, cast, elsewhere):
        twin = course_services.course_create(teacher=elsewhere.teacher, code=cast.course.code, title="Twin")
        assert twin.institution == elsewhere.institution
        with pytest.raises(ValidationError, match="Another course of the institution has this code"):
            course_services.course_create(teacher=cast.teacher, code=cast.course.code, title="Clash")
        StudentFactory(institution=elsewhere.institution, student_number=cast.student.student_number).full_clean()
        with pytest.raises(ValidationError, match="Another account of the institution"):
            StudentFactory.build(institution=cast.institution, student_number=cast.student.student_number).full_clean()


class TestSettingsComeFromTheInstitution:
    def test_a_new_course_and_session_start_with_the_institutions_defaults(self, client, elsewhere):
        institution = elsewhere.institution
        institution.code_minutes, institution.risk_threshold, institution.late_after_minutes = 7, 60, 4
        institution.save()
        client.force_login(elsewhere.teacher)
        form = client.get(reverse("courses:course_create")).context["form"]
        assert (form.initial["code_minutes"], form.initial["risk_threshold"]) == (7, 60)
        form = client.get(reverse("courses:session_create", args=[elsewhere.course.pk])).context["form"]
        assert form.initial["late_after_minutes"] == 4
        session = course_services.session_create(
            course=Course.objects.get(pk=elsewhere.course.pk),
            starts_at=datetime(2030, 1, 15, 12, 30, tzinfo=UTC),
            ends_at=datetime(2030, 1, 15, 14, tzinfo=UTC),
        )
        assert session.late_after_minutes == 4


class TestTimesInTheInstitutionsZone:
    def test_a_page_shows_a_session_in_the_readers_institutions_time_zone(self, client, cast, elsewhere):
        starts = datetime(2030, 1, 15, 12, 30, tzinfo=UTC)
        ClassSessionFactory(course=cast.course, starts_at=starts)
        ClassSessionFactory(course=elsewhere.course, starts_at=starts)
        client.force_login(cast.teacher)  # Europe/Paris: UTC+1 in January
        assert "1:30 p.m." in client.get(reverse("courses:course_detail", args=[cast.course.pk])).text
        client.force_login(elsewhere.teacher)  # America/Sao_Paulo: UTC-3
        assert "9:30 a.m." in client.get(reverse("courses:course_detail", args=[elsewhere.course.pk])).text

    def test_the_calendar_feed_names_the_institutions_time_zone(self, client, elsewhere):
        client.force_login(elsewhere.student)
        client.post(reverse("courses:calendar_feed_regenerate"))
        token = elsewhere.student.calendar_feed.token
        client.logout()
        feed = Calendar.from_ical(client.get(reverse("courses:calendar_feed", args=[token])).content)
        assert str(feed["x-wr-timezone"]) == "America/Sao_Paulo"

    def test_an_email_is_written_in_the_readers_institutions_time_zone(self, elsewhere, monkeypatch):
        from notifications import tasks

        zones = []
        render = tasks.render_to_string

        def spy(*args, **kwargs):
            zones.append(timezone.get_current_timezone_name())
            return render(*args, **kwargs)

        monkeypatch.setattr(tasks, "render_to_string", spy)
        notification = notify(
            elsewhere.student, Kind.SESSION_CANCELLED, session_params(elsewhere.session, reason="Strike")
        )
        with timezone.override("UTC"):
            tasks._message(notification)
        assert zones and set(zones) == {"America/Sao_Paulo"}


@pytest.mark.django_db(transaction=True)
class TestLiveSocketsNeverCross:
    async def test_another_institutions_administrator_cannot_join_a_session_room(self, cast, elsewhere):
        communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/sessions/{cast.session.pk}/")
        communicator.scope["user"] = elsewhere.admin
        connected, _ = await communicator.connect()
        assert not connected

    async def test_another_institutions_administrator_watches_none_of_its_sessions(self, cast, elsewhere):
        from notifications.consumers import PersonalConsumer

        consumer = PersonalConsumer()
        consumer.scope = {"query_string": f"regions=session-{cast.session.pk},session-{elsewhere.session.pk}".encode()}
        groups = await sync_to_async(consumer.groups_for)(elsewhere.admin)
        language = elsewhere.admin.reading_language
        assert session_watch_group(elsewhere.session.pk, language) in groups
        assert not [group for group in groups if group.startswith(f"session.{cast.session.pk}.")]


def test_a_new_institution_is_separate_from_the_first(db):
    institution = InstitutionFactory()
    teacher = TeacherFactory(institution=institution)
    course = CourseFactory(institution=institution, teachers=[teacher])
    assert course.institution == teacher.institution == institution


def test_the_administrators_dashboard_counts_their_institution_only(client, cast, elsewhere):
    StudentFactory.create_batch(3)  # in the cast's institution
    client.force_login(elsewhere.admin)
    response = client.get(reverse("home"))
    assert response.context["role_counts"]["student"] == 2
    assert response.context["institution"] == elsewhere.institution
    assert f'<h1 class="h3 me-auto mb-0">{elsewhere.institution.name}</h1>' in response.text
