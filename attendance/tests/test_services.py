from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import IntegrityError
from django.utils import timezone

from accounts.tests.factories import StudentFactory, TeacherFactory
from attendance import selectors, services
from attendance.models import CODE_ALPHABET, AttendanceCode, AttendanceRecord, CodeLockout, Method, Status, StatusChange
from attendance.selectors import MAX_WRONG_CODES, counters
from attendance.services.checkin import TRIES_SECONDS, tries_key
from attendance.tests.factories import AttendanceRecordFactory, CodeLockoutFactory
from attendance_system import counters as counter_store
from attendance_system.errors import DomainError
from courses.models import SessionState
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db

START = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0))


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def room(clock):
    """An open session that started now, with a teacher, two enrolled students and a live code."""
    teacher = TeacherFactory()
    course = CourseFactory(teachers=[teacher])
    session = ClassSessionFactory(course=course, starts_at=START, ends_at=START + timedelta(hours=2))
    students = [EnrollmentFactory(course=course).student for _ in range(2)]
    code = services.session_open(session=session, by=teacher)
    return type(
        "Room", (), {"teacher": teacher, "course": course, "session": session, "students": students, "code": code}
    )


def submit(student, typed, **kwargs):
    return services.code_submit(student=student, typed=typed, **kwargs)


class TestCodes:
    def test_a_code_has_six_characters_without_look_alikes(self, room):
        assert len(room.code.code) == 6
        assert set(room.code.code) <= set(CODE_ALPHABET)
        assert not set("01OIL") & set(CODE_ALPHABET)

    def test_it_is_valid_for_the_course_setting_and_then_expires(self, room, clock):
        clock.shift(timedelta(minutes=9, seconds=59))
        assert submit(room.students[0], room.code.code).status == Status.PENDING
        clock.shift(timedelta(seconds=2))
        with pytest.raises(DomainError, match="expired"):
            submit(room.students[1], room.code.code)

    def test_a_new_code_ends_the_old_one(self, room):
        new = services.code_issue(session=room.session, by=room.teacher)
        assert AttendanceCode.objects.filter(session=room.session, ended_at__isnull=True).get() == new
        with pytest.raises(DomainError, match="expired"):
            submit(room.students[0], room.code.code)
        assert submit(room.students[0], new.code.lower()).session == room.session

    def test_a_session_opens_from_fifteen_minutes_before_its_start_until_its_end(self, clock):
        session = ClassSessionFactory(starts_at=START + timedelta(minutes=16), ends_at=START + timedelta(hours=1))
        with pytest.raises(DomainError, match="15 minutes before"):
            services.session_open(session=session, by=None)
        clock.shift(timedelta(minutes=1))
        services.session_open(session=session, by=None)
        assert session.state == SessionState.OPEN

    def test_a_cancelled_session_cannot_be_opened(self, clock):
        session = ClassSessionFactory(starts_at=START, state=SessionState.CANCELLED)
        with pytest.raises(DomainError, match="cancelled"):
            services.session_open(session=session, by=None)


class TestRotation:
    @pytest.fixture
    def rotating(self, room):
        room.course.rotate_seconds = 20
        room.course.save()
        return services.code_issue(session=room.session, by=room.teacher)

    def test_the_shown_code_changes_every_period(self, rotating, clock):
        first, changes_at = services.code_shown(rotating)
        assert changes_at == START + timedelta(seconds=20)
        clock.shift(timedelta(seconds=20))
        second, _ = services.code_shown(rotating)
        assert first != second

    def test_the_previous_code_stays_good_for_one_more_period(self, rotating, room, clock):
        first, _ = services.code_shown(rotating)
        clock.shift(timedelta(seconds=39))
        assert submit(room.students[0], first).status == Status.PENDING
        clock.shift(timedelta(seconds=1))
        with pytest.raises(DomainError, match="expired"):
            submit(room.students[1], first)
        assert not CodeLockout.objects.filter(student=room.students[1]).exists()


class TestSubmit:
    def test_each_refusal_says_why(self, room, clock):
        outsider = StudentFactory()
        with pytest.raises(DomainError, match="None of your sessions is open"):
            submit(outsider, "ZZZZZZ")
        with pytest.raises(DomainError, match="None of your sessions is open"):
            submit(outsider, room.code.code)  # another course's live code says nothing more than a wrong one
        submit(room.students[0], room.code.code)
        with pytest.raises(DomainError, match=r"already checked in \(Pending\)"):
            submit(room.students[0], room.code.code)

    def test_wrong_codes_past_the_hourly_limit_are_refused_across_sessions(self, room, settings):
        settings.CHECKIN_WRONG_CODES_PER_HOUR = 3
        outsider = StudentFactory()
        for _ in range(3):
            with pytest.raises(DomainError, match="None of your sessions is open"):
                submit(outsider, "ZZZZZZ")
        with pytest.raises(DomainError, match="Too many wrong codes in the last hour"):
            submit(outsider, "ZZZZZZ")

    def test_an_expired_code_is_not_a_wrong_one_for_the_hourly_limit(self, room, settings):
        settings.CHECKIN_WRONG_CODES_PER_HOUR = 1
        expired = room.code.code
        services.code_issue(session=room.session, by=room.teacher)
        for _ in range(3):
            with pytest.raises(DomainError, match="expired"):
                submit(room.students[0], expired)
        with pytest.raises(DomainError, match="Wrong code"):
            submit(room.students[0], "ZZZZZZ")

    def test_a_closed_session_refuses_check_in(self, room):
        services.session_close(session=room.session, by=room.teacher)
        with pytest.raises(DomainError, match="None of your sessions is open"):
            submit(room.students[0], room.code.code)

    def test_it_is_late_after_the_threshold(self, room, clock):
        room.session.late_after_minutes = 5
        room.session.save()
        clock.shift(timedelta(minutes=5))
        assert not submit(room.students[1], room.code.code).is_late
        clock.shift(timedelta(seconds=1))
        record = submit(room.students[0], room.code.code)
        assert record.is_late
        assert services.record_validate(record=record, by=room.teacher).status == Status.LATE

    def test_on_time_is_present_once_validated(self, room):
        record = submit(room.students[0], room.code.code, address="10.0.0.7", marker="phone-1", method=Method.QR)
        services.record_validate(record=record, by=room.teacher)
        record.refresh_from_db()
        assert (record.status, record.method, record.ip_address, record.browser_marker) == (
            Status.PRESENT,
            Method.QR,
            "10.0.0.7",
            "phone-1",
        )

    def test_automatic_validation_skips_the_review(self, room):
        room.course.auto_validate = True
        room.course.save()
        assert submit(room.students[0], room.code.code).status == Status.PRESENT

    def test_one_browser_checking_in_two_students_is_flagged(self, room):
        assert not submit(room.students[0], room.code.code, marker="phone").shared_browser
        assert submit(room.students[1], room.code.code, marker="phone").shared_browser

    def test_records_with_no_browser_such_as_roll_calls_share_none(self, room):
        submit(room.students[0], room.code.code, marker="")
        services.roll_call_save(session=room.session, by=room.teacher, statuses={room.students[1].pk: "present"})
        assert [r.shared_browser for r in selectors.records_for_live(room.session)] == [False, False]

    def test_a_record_per_student_per_session_is_enforced_by_the_database(self, room):
        AttendanceRecordFactory(session=room.session, student=room.students[0])
        with pytest.raises(IntegrityError):
            AttendanceRecordFactory(session=room.session, student=room.students[0])

    def test_a_submission_costs_the_same_queries_however_large_the_course(
        self, room, django_assert_max_num_queries, django_capture_on_commit_callbacks
    ):
        for _ in range(200):
            EnrollmentFactory(course=room.course)
        with django_assert_max_num_queries(12), django_capture_on_commit_callbacks(execute=False):
            submit(room.students[0], room.code.code, marker="m")


class TestLockout:
    def test_five_wrong_codes_lock_the_student_out_until_the_teacher_unlocks(self, room):
        student = room.students[0]
        for left in range(MAX_WRONG_CODES - 1, 1, -1):
            with pytest.raises(DomainError, match=f"{left} attempts left"):
                submit(student, "ZZZZZZ")
        with pytest.raises(DomainError, match="1 attempt left"):
            submit(student, "ZZZZZZ")
        with pytest.raises(services.CodeEntryLocked, match="locked"):
            submit(student, "ZZZZZZ")
        with pytest.raises(services.CodeEntryLocked, match="locked"):
            submit(student, room.code.code)
        services.lockout_clear(session=room.session, student=student)
        assert submit(student, room.code.code).status == Status.PENDING

    def test_unlocking_gives_back_every_try(self, room):
        student = room.students[0]
        for _ in range(MAX_WRONG_CODES):
            with pytest.raises(DomainError):
                submit(student, "ZZZZZZ")
        services.lockout_clear(session=room.session, student=student)
        with pytest.raises(DomainError, match=f"{MAX_WRONG_CODES - 1} attempts left"):
            submit(student, "ZZZZZZ")

    def test_a_right_code_arriving_after_the_last_try_was_taken_is_not_compared(self, room):
        """Five submissions still being compared hold the five tries: a sixth, right or not, is refused."""
        student = room.students[0]
        for _ in range(MAX_WRONG_CODES):
            counter_store.count({tries_key(room.session.pk, student.pk): (TRIES_SECONDS, 0)})
        with pytest.raises(services.CodeEntryLocked):
            submit(student, room.code.code)
        assert not AttendanceRecord.objects.filter(student=student).exists()

    def test_a_try_is_kept_by_a_wrong_code_only(self, room):
        student, key = room.students[0], tries_key(room.session.pk, room.students[0].pk)
        new = services.code_issue(session=room.session, by=room.teacher)
        with pytest.raises(DomainError, match="expired"):
            submit(student, room.code.code)
        assert cache.get(key) == 0
        with pytest.raises(DomainError, match="4 attempts left"):
            submit(student, "ZZZZZZ")
        assert cache.get(key) == 1
        submit(student, new.code)
        assert cache.get(key) == 1

    def test_the_count_starts_from_the_database_when_the_cache_lost_it(self, room):
        student = room.students[0]
        CodeLockoutFactory(session=room.session, student=student, failures=MAX_WRONG_CODES - 1)
        with pytest.raises(services.CodeEntryLocked):
            submit(student, "ZZZZZZ")
        assert cache.get(tries_key(room.session.pk, student.pk)) == MAX_WRONG_CODES

    def test_the_hourly_limit_does_not_lift_the_lockout(self, room, settings):
        settings.CHECKIN_WRONG_CODES_PER_HOUR = 1
        student = room.students[0]
        submit_wrong = pytest.raises(DomainError, match="Too many wrong codes in the last hour")
        with pytest.raises(DomainError, match="4 attempts left"):
            submit(student, "ZZZZZZ")
        for _ in range(MAX_WRONG_CODES - 1):
            with submit_wrong:
                submit(student, "ZZZZZZ")
        with pytest.raises(services.CodeEntryLocked):
            submit(student, room.code.code)
        assert CodeLockout.objects.get(student=student).failures == MAX_WRONG_CODES

    def test_other_students_are_not_locked(self, room):
        for _ in range(MAX_WRONG_CODES):
            with pytest.raises(DomainError):
                submit(room.students[0], "ZZZZZZ")
        assert submit(room.students[1], room.code.code)


class TestRates:
    def test_a_student_past_their_rate_is_refused_whatever_they_type(self, room, settings):
        settings.CHECKIN_RATE_PER_STUDENT = 2
        for _ in range(2):
            with pytest.raises(DomainError, match="Wrong code"):
                submit(room.students[0], "ZZZZZZ")
        with pytest.raises(DomainError, match="Too many check-ins from you"):
            submit(room.students[0], room.code.code)
        assert CodeLockout.objects.get(student=room.students[0]).failures == 2
        assert submit(room.students[1], room.code.code)

    def test_one_student_cannot_use_up_the_address_of_the_hall(self, room, settings):
        settings.CHECKIN_RATE_PER_STUDENT = 3
        settings.CHECKIN_RATE_PER_ADDRESS = 2
        hall, locked, late = "192.0.2.1", room.students[0], StudentFactory()
        EnrollmentFactory(course=room.course, student=late)
        CodeLockoutFactory(session=room.session, student=locked, failures=MAX_WRONG_CODES)
        for _ in range(3):
            with pytest.raises(services.CodeEntryLocked):
                submit(locked, "ZZZZZZ", address=hall)
        for _ in range(10):
            with pytest.raises(DomainError, match="Too many check-ins from you"):
                submit(locked, room.code.code, address=hall)
        assert submit(room.students[1], room.code.code, address=hall)
        assert submit(late, room.code.code, address=hall)

    def test_the_address_limit_still_holds_as_a_backstop(self, room, settings):
        settings.CHECKIN_RATE_PER_ADDRESS = 1
        submit(room.students[0], room.code.code, address="192.0.2.1")
        with pytest.raises(DomainError, match="Too many check-ins from your network"):
            submit(room.students[1], room.code.code, address="192.0.2.1")
        assert cache.get(tries_key(room.session.pk, room.students[1].pk)) == 0
        assert submit(room.students[1], room.code.code, address="192.0.2.2")

    def test_a_wrong_code_counts_against_the_address(self, room, settings):
        settings.CHECKIN_RATE_PER_ADDRESS = 1
        with pytest.raises(DomainError, match="Wrong code"):
            submit(room.students[0], "ZZZZZZ", address="192.0.2.1")
        with pytest.raises(DomainError, match="Too many check-ins from your network"):
            submit(room.students[1], room.code.code, address="192.0.2.1")


class TestValidation:
    def test_validate_all_changes_only_pending_records_and_keeps_history(self, room):
        first = submit(room.students[0], room.code.code)
        second = submit(room.students[1], room.code.code)
        services.record_reject(record=second, by=room.teacher, reason="Not in the room")
        changed = services.records_validate_pending(session=room.session, by=room.teacher)
        assert [r.pk for r in changed] == [first.pk]
        second.refresh_from_db()
        assert (second.status, second.note) == (Status.ABSENT, "Not in the room")
        history = [(c.from_status, c.to_status, str(c.why)) for c in StatusChange.objects.filter(record=second)]
        assert history == [("", Status.PENDING, "Check-in"), (Status.PENDING, Status.ABSENT, "Not in the room")]

    def test_a_rejection_needs_a_reason(self, room):
        record = submit(room.students[0], room.code.code)
        with pytest.raises(DomainError, match="Say why"):
            services.record_reject(record=record, by=room.teacher, reason="  ")
        record.refresh_from_db()
        assert record.status == Status.PENDING


class TestRollCall:
    def test_it_saves_every_status_in_one_go_with_history(self, room):
        a, b = room.students
        services.roll_call_save(session=room.session, by=room.teacher, statuses={a.pk: "present", b.pk: "excused"})
        services.roll_call_save(session=room.session, by=room.teacher, statuses={a.pk: "late"})
        assert dict(AttendanceRecord.objects.values_list("student_id", "status")) == {a.pk: "late", b.pk: "excused"}
        assert StatusChange.objects.filter(record__student=a).count() == 2

    def test_a_student_off_the_roster_changes_nothing(self, room):
        with pytest.raises(DomainError, match="not on the roster"):
            services.roll_call_save(
                session=room.session,
                by=room.teacher,
                statuses={room.students[0].pk: "present", StudentFactory().pk: "present"},
            )
        assert not AttendanceRecord.objects.exists()


class TestClose:
    def test_closing_marks_the_missing_absent_and_leaves_pending_for_review(self, room):
        pending = submit(room.students[0], room.code.code)
        services.session_close(session=room.session, by=room.teacher)
        statuses = dict(AttendanceRecord.objects.values_list("student_id", "status"))
        assert statuses == {room.students[0].pk: Status.PENDING, room.students[1].pk: Status.ABSENT}
        assert counters(room.session)["not_checked_in"] == 0
        pending.session.refresh_from_db()
        assert pending.session.state == SessionState.CLOSED

    def test_closing_validates_pending_when_the_course_says_so(self, room):
        room.course.validate_pending_on_close = True
        room.course.save()
        submit(room.students[0], room.code.code)
        services.session_close(session=room.session, by=room.teacher)
        assert AttendanceRecord.objects.get(student=room.students[0]).status == Status.PRESENT

    def test_closing_due_sessions_is_idempotent(self, room, clock):
        clock.shift(timedelta(hours=2))
        assert services.sessions_close_due() == [room.session]
        assert services.sessions_close_due() == []
        assert AttendanceRecord.objects.count() == 2


class TestReviewedEdges:
    def test_a_stale_pending_record_cannot_be_validated_after_its_rejection(self, room):
        record = submit(room.students[0], room.code.code)
        stale = AttendanceRecord.objects.get(pk=record.pk)
        services.record_reject(record=record, by=room.teacher, reason="Not here")
        with pytest.raises(DomainError, match="Only a pending"):
            services.record_validate(record=stale, by=room.teacher)
        assert AttendanceRecord.objects.get(pk=record.pk).status == Status.ABSENT

    def test_a_later_roll_call_clears_the_rejection_note(self, room):
        record = submit(room.students[0], room.code.code)
        services.record_reject(record=record, by=room.teacher, reason="Not here")
        services.roll_call_save(session=room.session, by=room.teacher, statuses={room.students[0].pk: "present"})
        assert AttendanceRecord.objects.get(pk=record.pk).note == ""

    def test_no_check_in_after_the_session_ends_even_before_it_is_closed(self, room, clock):
        room.course.code_minutes = 60
        room.course.save()
        code = services.code_issue(session=room.session, by=room.teacher)
        clock.shift(timedelta(hours=2))
        with pytest.raises(DomainError, match="None of your sessions is open"):
            submit(room.students[0], code.code)

    def test_a_wrong_code_with_two_open_sessions_is_not_locked_while_one_still_allows_entry(self, room):
        other = ClassSessionFactory(starts_at=START, ends_at=START + timedelta(hours=1))
        EnrollmentFactory(course=other.course, student=room.students[0])
        services.session_open(session=other, by=None)
        CodeLockoutFactory(session=room.session, student=room.students[0], failures=MAX_WRONG_CODES)
        with pytest.raises(DomainError, match="4 attempts left"):
            submit(room.students[0], "ZZZZZZ")

    def test_a_scheduled_session_cannot_be_closed(self, clock):
        session = ClassSessionFactory(starts_at=START, ends_at=START + timedelta(hours=1))
        with pytest.raises(DomainError, match="Only a session open"):
            services.session_close(session=session)
        assert not AttendanceRecord.objects.exists()

    def test_validating_all_costs_the_same_queries_for_many(self, room, django_assert_max_num_queries):
        for _ in range(30):
            student = EnrollmentFactory(course=room.course).student
            submit(student, room.code.code)
        with django_assert_max_num_queries(15):
            services.records_validate_pending(session=room.session, by=room.teacher)
