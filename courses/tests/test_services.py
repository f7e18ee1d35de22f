from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import ParentFactory, StudentFactory, TeacherFactory
from attendance.tests.factories import AttendanceRecordFactory
from attendance_system.csvimport import ImportRejected
from attendance_system.errors import DomainError
from courses import services
from courses.models import ClassSession, Course, Enrollment
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


class TestCourses:
    def test_a_teacher_creates_a_course_they_teach(self):
        teacher = TeacherFactory()
        course = services.course_create(teacher=teacher, code=" math1 ", title="Maths")
        assert course.code == "MATH1"
        assert list(course.teachers.all()) == [teacher]

    def test_a_duplicate_code_is_refused(self):
        CourseFactory(code="MATH1")
        with pytest.raises(ValidationError):
            services.course_create(teacher=TeacherFactory(), code="math1", title="Again")
        assert Course.objects.count() == 1

    def test_a_course_without_attendance_can_be_deleted(self):
        course = CourseFactory()
        ClassSessionFactory(course=course)
        services.course_delete(course=course)
        assert not Course.objects.exists()

    def test_a_course_with_attendance_cannot_be_deleted(self):
        record = AttendanceRecordFactory()
        with pytest.raises(DomainError, match="archive it instead"):
            services.course_delete(course=record.session.course)
        assert Course.objects.filter(pk=record.session.course_id).exists()
        assert ClassSession.objects.filter(pk=record.session_id).exists()


class TestSessions:
    def test_a_session_ending_before_it_starts_is_refused(self):
        start = timezone.now()
        with pytest.raises(ValidationError):
            services.session_create(course=CourseFactory(), starts_at=start, ends_at=start - timedelta(minutes=1))
        assert not ClassSession.objects.exists()

    def test_a_session_with_attendance_cannot_be_deleted(self):
        record = AttendanceRecordFactory()
        with pytest.raises(DomainError, match="cancel it instead"):
            services.session_delete(session=record.session)
        assert ClassSession.objects.filter(pk=record.session_id).exists()

    def test_a_weekly_series_makes_one_session_per_chosen_weekday_in_local_time(self, settings):
        settings.TIME_ZONE = "Europe/Paris"
        sessions = services.sessions_create_weekly(
            course=CourseFactory(),
            weekdays=[0, 2],
            start_time=time(9, 0),
            end_time=time(10, 30),
            first_date=date(2026, 3, 23),
            last_date=date(2026, 4, 5),
            room="A1",
        )
        paris = ZoneInfo("Europe/Paris")
        local = [s.starts_at.astimezone(paris) for s in sessions]
        assert [d.date() for d in local] == [date(2026, 3, 23), date(2026, 3, 25), date(2026, 3, 30), date(2026, 4, 1)]
        # 9:00 in Paris on both sides of the change to summer time (29 March).
        assert {(d.hour, d.minute) for d in local} == {(9, 0)}
        assert {s.ends_at - s.starts_at for s in sessions} == {timedelta(minutes=90)}

    @pytest.mark.parametrize(
        ("first", "last", "weekdays", "message"),
        [
            (date(2026, 3, 10), date(2026, 3, 1), [0], "must not be before"),
            (date(2026, 3, 3), date(2026, 3, 4), [0], "No day"),
            (date(2026, 1, 1), date(2027, 6, 1), [0], "one year"),
        ],
    )
    def test_a_series_with_no_valid_day_is_refused(self, first, last, weekdays, message):
        course = CourseFactory()
        with pytest.raises(DomainError, match=message):
            services.sessions_create_weekly(
                course=course,
                weekdays=weekdays,
                start_time=time(9),
                end_time=time(10),
                first_date=first,
                last_date=last,
            )
        assert not course.sessions.exists()


class TestEnrollment:
    def test_a_student_is_enrolled_by_email_or_number(self):
        course = CourseFactory()
        ann, bob = StudentFactory(email="ann@s.org"), StudentFactory(student_number="S42")
        services.enrollment_add(course=course, identifier="ANN@s.org")
        services.enrollment_add(course=course, identifier="S42")
        assert set(course.students.all()) == {ann, bob}

    @pytest.mark.parametrize(
        ("who", "message"),
        [("nobody@s.org", "No student"), ("parent@s.org", "No student"), ("enrolled@s.org", "already enrolled")],
    )
    def test_bad_identifiers_are_refused(self, who, message):
        course = CourseFactory()
        ParentFactory(email="parent@s.org")
        EnrollmentFactory(course=course, student=StudentFactory(email="enrolled@s.org"))
        with pytest.raises(DomainError, match=message):
            services.enrollment_add(course=course, identifier=who)
        assert course.enrollments.count() == 1

    def test_removing_keeps_the_enrollment_inactive_and_enrolling_again_restores_it(self):
        enrollment = EnrollmentFactory()
        services.enrollment_remove(course=enrollment.course, student=enrollment.student)
        enrollment.refresh_from_db()
        assert not enrollment.active
        services.enrollment_add(course=enrollment.course, identifier=enrollment.student.email)
        enrollment.refresh_from_db()
        assert enrollment.active


class TestEnrollmentsImport:
    def test_a_good_list_enrolls_everyone(self):
        course = CourseFactory()
        students = [StudentFactory(email="a@s.org"), StudentFactory(student_number="S9")]
        services.enrollments_import(course=course, text="email\na@s.org\n\nS9\n")
        assert set(course.students.all()) == set(students)

    def test_semicolon_separated_files_are_read(self):
        course = CourseFactory()
        StudentFactory(email="a@s.org")
        services.enrollments_import(course=course, text="a@s.org;Ann;Lee\n")
        assert course.students.count() == 1

    def test_each_bad_line_is_reported_with_its_number_and_nothing_is_imported(self):
        course = CourseFactory()
        StudentFactory(email="a@s.org")
        TeacherFactory(email="t@s.org")
        EnrollmentFactory(course=course, student=StudentFactory(email="in@s.org"))
        text = "a@s.org\nnobody@s.org\nt@s.org\nin@s.org\na@s.org\n"
        with pytest.raises(ImportRejected) as rejected:
            services.enrollments_import(course=course, text=text)
        assert [(e.line, e.reason.split()[-1]) for e in rejected.value.errors] == [
            (2, "“nobody@s.org”."),
            (3, "“t@s.org”."),
            (4, "enrolled."),
            (5, "twice."),
        ]
        assert set(Enrollment.objects.filter(course=course).values_list("student__email", flat=True)) == {"in@s.org"}


class TestRemovalEndsSockets:
    """Whoever is taken off a course loses their live sockets; their pages reconnect under what they may see."""

    def test_removing_a_student_closes_their_sockets(self, closed_sockets):
        enrollment = EnrollmentFactory()
        services.enrollment_remove(course=enrollment.course, student=enrollment.student)
        assert closed_sockets == [enrollment.student.pk]

    def test_an_enrolment_deactivated_or_deleted_in_admin_closes_the_students_sockets(self, closed_sockets):
        first, second = EnrollmentFactory(), EnrollmentFactory()
        first.active = False
        services.enrollment_save(enrollment=first)
        services.enrollment_delete(enrollment=second)
        assert closed_sockets == [first.student.pk, second.student.pk]

    def test_an_enrolment_moved_to_another_student_closes_the_first_ones_sockets(self, closed_sockets):
        enrollment = EnrollmentFactory()
        first = enrollment.student
        enrollment.student = StudentFactory()
        services.enrollment_save(enrollment=enrollment)
        assert closed_sockets == [first.pk]

    def test_enrolling_or_saving_an_unchanged_enrolment_closes_nothing(self, closed_sockets):
        enrollment = EnrollmentFactory()
        services.enrollment_save(enrollment=enrollment)
        services.enrollment_add(course=CourseFactory(), identifier=enrollment.student.email)
        assert closed_sockets == []

    def test_a_teacher_taken_off_a_course_loses_their_sockets_and_the_others_keep_theirs(self, closed_sockets):
        kept, removed, added = TeacherFactory(), TeacherFactory(), TeacherFactory()
        course = CourseFactory(teachers=[kept, removed])
        services.course_set_teachers(course=course, teachers=[kept, added])
        assert set(course.teachers.all()) == {kept, added}
        assert closed_sockets == [removed.pk]
