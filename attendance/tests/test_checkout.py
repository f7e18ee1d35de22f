"""Check-out (services): with the button in the last minutes or the check-out code, and leaving early flagged
when the session closes."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.tests.factories import StudentFactory, TeacherFactory
from attendance import services
from attendance.models import AttendanceCode, AttendanceRecord, Purpose, Status, StatusChange
from attendance_system.errors import DomainError
from courses.models import EarlyLeave
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db

START = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0))
END = START + timedelta(hours=2)
# The course checks out in the last 10 minutes.
OPENS = END - timedelta(minutes=10)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def room(clock):
    """An open session of a course that requires check-out, from 9:00 to 11:00, with three enrolled students."""
    teacher = TeacherFactory()
    course = CourseFactory(teachers=[teacher], checkout_required=True, checkout_minutes=10)
    session = ClassSessionFactory(course=course, starts_at=START, ends_at=END)
    students = [EnrollmentFactory(course=course).student for _ in range(3)]
    code = services.session_open(session=session, by=teacher)
    return type(
        "Room", (), {"teacher": teacher, "course": course, "session": session, "students": students, "code": code}
    )


def check_in(room, student):
    return services.code_submit(student=student, typed=room.code.code)


def check_out(room, student, **kwargs):
    return services.record_check_out(session=room.session, student=student, **kwargs)


def history(record):
    return [(c.from_status, c.to_status, str(c.why)) for c in StatusChange.objects.filter(record=record)]


class TestButton:
    def test_it_opens_in_the_last_minutes_and_keeps_both_times_and_the_duration(self, room, clock):
        record = check_in(room, room.students[0])
        clock.move_to(OPENS - timedelta(seconds=1))
        with pytest.raises(DomainError, match="Check-out opens at"):
            check_out(room, room.students[0])
        clock.move_to(OPENS)
        check_out(room, room.students[0])
        record.refresh_from_db()
        assert (record.submitted_at, record.checked_out_at) == (START, OPENS)
        assert record.minutes == 110
        assert history(record)[-1] == (Status.PENDING, Status.PENDING, "Check-out")

    def test_checking_out_twice_is_refused_and_keeps_the_first_time(self, room, clock):
        check_in(room, room.students[0])
        clock.move_to(OPENS)
        check_out(room, room.students[0])
        clock.shift(timedelta(minutes=2))
        with pytest.raises(DomainError, match="already checked out"):
            check_out(room, room.students[0])
        assert AttendanceRecord.objects.get(student=room.students[0]).checked_out_at == OPENS

    def test_a_student_who_did_not_check_in_cannot_check_out(self, room, clock):
        clock.move_to(OPENS)
        with pytest.raises(DomainError, match="not checked in"):
            check_out(room, room.students[0])
        assert not AttendanceRecord.objects.filter(student=room.students[0]).exists()

    def test_a_rejected_check_in_cannot_check_out(self, room, clock):
        record = check_in(room, room.students[0])
        services.record_reject(record=record, by=room.teacher, reason="Not here")
        clock.move_to(OPENS)
        with pytest.raises(DomainError, match="not checked in"):
            check_out(room, room.students[0])

    def test_a_course_without_check_out_refuses_it(self, room, clock):
        check_in(room, room.students[0])
        room.course.checkout_required = False
        room.course.save()
        clock.move_to(OPENS)
        with pytest.raises(DomainError, match="does not use check-out"):
            check_out(room, room.students[0])

    def test_it_ends_with_the_session(self, room, clock):
        check_in(room, room.students[0])
        clock.move_to(END)
        with pytest.raises(DomainError, match="over"):
            check_out(room, room.students[0])
        services.session_close(session=room.session, by=room.teacher)
        with pytest.raises(DomainError, match="over"):
            check_out(room, room.students[0])


class TestCheckOutCode:
    def test_the_teacher_shows_a_check_out_code_and_a_student_types_it_in_the_same_box(self, room, clock):
        record = check_in(room, room.students[0])
        clock.move_to(OPENS - timedelta(minutes=30))
        code = services.code_issue(session=room.session, by=room.teacher, purpose=Purpose.CHECK_OUT)
        assert AttendanceCode.objects.get(session=room.session, ended_at__isnull=True) == code
        assert services.code_submit(student=room.students[0], typed=code.code.lower()).pk == record.pk
        record.refresh_from_db()
        assert record.checked_out_at == OPENS - timedelta(minutes=30)
        assert history(record)[-1][2] == "Check-out with the code"

    def test_it_ends_the_check_in_code(self, room):
        services.code_issue(session=room.session, by=room.teacher, purpose=Purpose.CHECK_OUT)
        with pytest.raises(DomainError, match="expired"):
            check_in(room, room.students[0])

    def test_a_student_who_did_not_check_in_cannot_check_out_with_it(self, room):
        code = services.code_issue(session=room.session, by=room.teacher, purpose=Purpose.CHECK_OUT)
        with pytest.raises(DomainError, match="not checked in"):
            services.code_submit(student=room.students[0], typed=code.code)
        assert not AttendanceRecord.objects.filter(student=room.students[0]).exists()

    def test_typing_it_twice_is_refused(self, room):
        check_in(room, room.students[0])
        code = services.code_issue(session=room.session, by=room.teacher, purpose=Purpose.CHECK_OUT)
        services.code_submit(student=room.students[0], typed=code.code)
        with pytest.raises(DomainError, match="already checked out"):
            services.code_submit(student=room.students[0], typed=code.code)

    def test_a_student_of_another_course_gets_a_wrong_code(self, room):
        code = services.code_issue(session=room.session, by=room.teacher, purpose=Purpose.CHECK_OUT)
        outsider = StudentFactory()
        with pytest.raises(DomainError, match="None of your sessions is open"):
            services.code_submit(student=outsider, typed=code.code)

    def test_a_course_without_check_out_has_no_check_out_code(self, room):
        room.course.checkout_required = False
        room.course.save()
        with pytest.raises(DomainError, match="does not use check-out"):
            services.code_issue(session=room.session, by=room.teacher, purpose=Purpose.CHECK_OUT)
        assert AttendanceCode.objects.get(session=room.session, ended_at__isnull=True) == room.code


class TestLeavingEarly:
    @pytest.fixture
    def validated(self, room):
        """Each of the three students checked in at 9:00 and was validated."""
        records = [check_in(room, student) for student in room.students]
        services.records_validate_pending(session=room.session, by=room.teacher)
        return records

    def _close(self, room, clock, at=END):
        clock.move_to(at)
        services.session_close(session=room.session, by=room.teacher)
        return {r.student_id: r for r in AttendanceRecord.objects.filter(session=room.session)}

    def test_closing_flags_who_did_not_check_out_or_checked_out_too_early(self, room, clock, validated):
        first, second, third = room.students
        clock.move_to(OPENS - timedelta(minutes=40))
        code = services.code_issue(session=room.session, by=room.teacher, purpose=Purpose.CHECK_OUT)
        services.code_submit(student=first, typed=code.code)
        clock.move_to(OPENS + timedelta(minutes=1))
        check_out(room, second)
        records = self._close(room, clock)
        assert (records[first.pk].left_early, records[first.pk].status) == (True, Status.LATE)
        assert (records[second.pk].left_early, records[second.pk].status) == (False, Status.PRESENT)
        assert (records[third.pk].left_early, records[third.pk].status) == (True, Status.LATE)
        assert history(records[first.pk])[-1] == (
            Status.PRESENT,
            Status.LATE,
            "Left early: checked out before check-out opened",
        )
        assert history(records[third.pk])[-1] == (Status.PRESENT, Status.LATE, "Left early: did not check out")

    @pytest.mark.parametrize(
        ("counts_as", "status"),
        [(EarlyLeave.PRESENT, Status.PRESENT), (EarlyLeave.LATE, Status.LATE), (EarlyLeave.ABSENT, Status.ABSENT)],
    )
    def test_leaving_early_counts_as_the_course_says(self, room, clock, validated, counts_as, status):
        room.course.early_leave_counts_as = counts_as
        room.course.save()
        record = self._close(room, clock)[room.students[0].pk]
        assert (record.left_early, record.status) == (True, status)
        # Counted as present, the flag is still in the history.
        assert history(record)[-1] == (Status.PRESENT, status, "Left early: did not check out")

    def test_a_late_check_in_that_left_early_stays_late_when_leaving_counts_as_present(self, room, clock):
        room.course.early_leave_counts_as = EarlyLeave.PRESENT
        room.course.save()
        clock.move_to(START + timedelta(minutes=30))
        services.code_issue(session=room.session, by=room.teacher)
        code = AttendanceCode.objects.get(session=room.session, ended_at__isnull=True)
        record = services.code_submit(student=room.students[0], typed=code.code)
        services.record_validate(record=record, by=room.teacher)
        assert self._close(room, clock)[room.students[0].pk].status == Status.LATE

    def test_a_pending_check_in_is_flagged_and_validating_it_applies_the_flag(self, room, clock):
        record = check_in(room, room.students[0])
        record = self._close(room, clock)[room.students[0].pk]
        assert (record.left_early, record.status) == (True, Status.PENDING)
        services.record_validate(record=record, by=room.teacher)
        record.refresh_from_db()
        assert record.status == Status.LATE

    def test_validating_pending_check_ins_on_close_applies_the_flag(self, room, clock):
        room.course.validate_pending_on_close = True
        room.course.early_leave_counts_as = EarlyLeave.ABSENT
        room.course.save()
        check_in(room, room.students[0])
        record = self._close(room, clock)[room.students[0].pk]
        assert (record.left_early, record.status) == (True, Status.ABSENT)

    def test_closing_early_counts_check_out_from_when_it_closed(self, room, clock, validated):
        """The teacher ends the class half an hour early: check-outs of its last 10 minutes are on time."""
        clock.move_to(END - timedelta(minutes=35))
        code = services.code_issue(session=room.session, by=room.teacher, purpose=Purpose.CHECK_OUT)
        services.code_submit(student=room.students[0], typed=code.code)
        records = self._close(room, clock, at=END - timedelta(minutes=30))
        assert (records[room.students[0].pk].left_early, records[room.students[0].pk].status) == (
            False,
            Status.PRESENT,
        )
        assert records[room.students[1].pk].left_early

    def test_a_status_the_teacher_set_is_not_undone_when_leaving_counts_as_present(self, room, clock, validated):
        room.course.early_leave_counts_as = EarlyLeave.PRESENT
        room.course.save()
        AttendanceRecord.objects.filter(pk=validated[0].pk).update(is_late=True)  # late, but the teacher said present
        record = self._close(room, clock)[room.students[0].pk]
        assert (record.left_early, record.status) == (True, Status.PRESENT)

    def test_students_marked_by_roll_call_are_not_flagged(self, room, clock):
        services.roll_call_save(session=room.session, by=room.teacher, statuses={room.students[0].pk: Status.PRESENT})
        record = self._close(room, clock)[room.students[0].pk]
        assert (record.left_early, record.status) == (False, Status.PRESENT)

    def test_students_marked_absent_are_not_flagged(self, room, clock):
        records = self._close(room, clock)
        assert {(r.status, r.left_early) for r in records.values()} == {(Status.ABSENT, False)}

    def test_a_course_without_check_out_flags_nobody(self, room, clock, validated):
        room.course.checkout_required = False
        room.course.save()
        records = self._close(room, clock)
        assert {(r.status, r.left_early) for r in records.values()} == {(Status.PRESENT, False)}
