"""A student's check-in with a code, the limits around it, and the lockout after too many wrong codes.

The limits, in the order a submission meets them: the student's own rate (CHECKIN_RATE_PER_STUDENT a minute);
then, in one atomic count before the code is compared, one of the MAX_WRONG_CODES tries of each session the
student still has to check into and one check-in of their address's minute (CHECKIN_RATE_PER_ADDRESS, a
backstop for a whole lecture hall behind one router). A submission refused by the student's rate or by a
lockout costs the address nothing; a try is kept only by a wrong code.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from attendance import live, selectors
from attendance.models import (
    AttendanceCode,
    AttendanceRecord,
    ChangeReason,
    CodeLockout,
    Method,
    Purpose,
    Status,
    StatusChange,
)
from attendance.services.checkout import record_check_out
from attendance.services.codes import RECOGNISED_PERIODS, code_matches, code_was, normalize_code
from attendance.services.integrity import checkin_evidence
from attendance.services.records import validated_status
from attendance_system import counters
from attendance_system.errors import DomainError
from courses.selectors import open_sessions_of_student

LOCKED_MESSAGE = gettext_lazy("Too many wrong codes: code entry is locked for this session. Ask your teacher.")
# How long a session's count of a student's tries is kept: longer than a session. Should it run out, or Redis
# lose it, the count starts again from the wrong codes in the database.
TRIES_SECONDS = 24 * 3600


class CodeEntryLocked(DomainError):
    """Code entry is locked for every open session of the student that still waits for a check-in."""

    def __init__(self):
        super().__init__(str(LOCKED_MESSAGE))


@dataclass
class _Attempt:
    """What one submission may compare its code with, and the tries it took: {counter key: (session, which
    try of the session's it is)}."""

    codes: list
    tries: dict


def tries_key(session_id, student_id):
    return f"checkin-tries:{session_id}:{student_id}"


def _check_student_rate(student):
    """The student's own limit, met first: a student refused here costs their address nothing."""
    [count] = counters.count({f"checkin-student:{student.pk}": (60, 0)})
    if count > settings.CHECKIN_RATE_PER_STUDENT:
        raise DomainError(_("Too many check-ins from you right now. Wait a minute and try again."))


def _attempt(*, student, codes, address):
    """Take one try of each session the student still has to check into, and one check-in of the address's
    minute, in one atomic step before any comparison: however many submissions arrive at once, a session's code
    meets at most MAX_WRONG_CODES of them that are wrong. A session out of tries is left out of the comparison;
    a submission left with nothing to compare is refused as locked, and gives its address's check-in back."""
    waiting = [code for code in codes if not code.record_status]
    keys = [tries_key(code.session_id, student.pk) for code in waiting]
    windows = {key: (TRIES_SECONDS, code.failures) for key, code in zip(keys, waiting, strict=True)}
    address_key = f"checkin-rate:{address}" if address and codes else None
    if address_key:
        windows[address_key] = (60, 0)
    counts = counters.count(windows)
    attempt = _Attempt(codes=[code for code in codes if code.record_status], tries={})
    for key, code, n in zip(keys, waiting, counts, strict=False):  # the address's count comes last
        # The database's count stands where the cache's is behind it (a counter lost, a lockout written elsewhere).
        n = max(n, code.failures + 1)
        if n <= selectors.MAX_WRONG_CODES:
            attempt.codes.append(code)
            attempt.tries[key] = (code.session, n)
    if codes and not attempt.codes:
        counters.give_back([address_key] if address_key else [])
        raise CodeEntryLocked
    if address_key and counts[-1] > settings.CHECKIN_RATE_PER_ADDRESS:
        counters.give_back([*attempt.tries, address_key])
        raise DomainError(_("Too many check-ins from your network right now. Wait a minute and try again."))
    return attempt


def _too_many_wrong_codes(student):
    """Count one more wrong code of the student's within the hour; whether they are past the limit. Other
    courses' codes say nothing (a code of a course not theirs is a wrong code like any other), and this bounds
    guessing across all the student's sessions."""
    [count] = counters.count({f"checkin-wrong:{student.pk}": (3600, 0)})
    return count > settings.CHECKIN_WRONG_CODES_PER_HOUR


def _count_wrong_code(student, tries):
    """Write a wrong code against each session whose try it took (the try is kept); the tries left after it
    (by its own try's number, exact however many are written at once), the most of any, or None if it took
    none."""
    for session, _try in tries.values():
        lockout, _created = CodeLockout.objects.get_or_create(session=session, student=student)
        CodeLockout.objects.filter(pk=lockout.pk).update(failures=F("failures") + 1)
        lockout.refresh_from_db()
        if lockout.failures == selectors.MAX_WRONG_CODES:  # whoever sees the lockout complete tells the pages
            live.push_lockouts(session)
            live.push_student_cards([student.pk])
    return max((selectors.MAX_WRONG_CODES - n for _session, n in tries.values()), default=None)


def _unmatched_reason(*, student, typed, open_sessions, tries, now):
    """Why a code matched none of the student's open sessions. A code of theirs that has expired is no wrong
    code: the tries it took go back. Any other is wrong: it counts in the student's hour, and against each
    session whose try it took."""
    codes = AttendanceCode.objects.filter(session__in=open_sessions).order_by("-issued_at")[:RECOGNISED_PERIODS]
    if open_sessions and any(code_was(code, typed, now) for code in codes):
        counters.give_back(tries)
        return _("This code has expired. Ask your teacher for the current one.")
    too_many = _too_many_wrong_codes(student)
    hourly = _("Too many wrong codes in the last hour. Ask your teacher.")
    left = _count_wrong_code(student, tries)
    if too_many:
        return hourly
    if not open_sessions:
        return _("None of your sessions is open for check-in right now.")
    if left is None:
        return _("Wrong code.")
    if left <= 0:
        raise CodeEntryLocked
    return ngettext("Wrong code. %(left)d attempt left.", "Wrong code. %(left)d attempts left.", left) % {"left": left}


def code_submit(*, student, typed: str, method=Method.CODE, address=None, marker: str = "", position=None, now=None):
    """A student's check-in with a code; finds the session among the student's open ones. A check-out code
    checks the student out instead.

    The path of a good code is the hot one of a lecture hall: one query finds the code with everything the
    check-in needs, then the record and its history are inserted, and the push happens after commit. A code
    that matches nothing takes the slower path that says why.
    """
    now = now or timezone.now()
    typed = normalize_code(typed)
    _check_student_rate(student)
    live_codes = selectors.live_codes_of_student(student, now=now, marker=marker)
    attempt = _attempt(student=student, codes=live_codes, address=address)
    code = next((code for code in attempt.codes if code_matches(code, typed, now)), None)
    if code is None:
        raise _refusal(student=student, typed=typed, now=now, tries=attempt.tries)
    counters.give_back(attempt.tries)  # a right code is no wrong one
    if code.purpose == Purpose.CHECK_OUT:
        return record_check_out(
            session=code.session, student=student, with_code=True, address=address, position=position, now=now
        )
    if code.record_status:
        raise _already_checked_in(Status(code.record_status))
    evidence = checkin_evidence(session=code.session, address=address, position=position)
    return _record_check_in(
        code=code, student=student, method=method, address=address, marker=marker, now=now, **evidence
    )


def _refusal(*, student, typed, now, tries):
    """Why a code matched none it was compared with: locked everywhere, expired, another course's, wrong."""
    open_sessions = list(open_sessions_of_student(student).filter(ends_at__gt=now))
    lockouts = CodeLockout.objects.filter(session__in=open_sessions, student=student)
    locked = set(selectors.locked_lockouts(lockouts).values_list("session_id", flat=True))
    if open_sessions and locked >= {s.pk for s in open_sessions}:
        return CodeEntryLocked()
    # The wrong-code count is written outside any transaction, so that raising this does not roll it back.
    return DomainError(
        _unmatched_reason(student=student, typed=typed, open_sessions=open_sessions, tries=tries, now=now)
    )


def _already_checked_in(status):
    return DomainError(_("You have already checked in (%(status)s).") % {"status": status.label})


def _record_check_in(*, code, student, method, address, marker, now, **evidence):
    session = code.session
    is_late = now > session.starts_at + timedelta(minutes=session.late_after_minutes)
    status = validated_status(is_late) if session.course.auto_validate else Status.PENDING
    try:
        with transaction.atomic():
            record = AttendanceRecord.objects.create(
                session=session,
                student=student,
                status=status,
                method=method,
                is_late=is_late,
                ip_address=address,
                browser_marker=marker,
                submitted_at=now,
                **evidence,
            )
            StatusChange.objects.create(
                record=record, changed_by=student, to_status=status, reason_kind=ChangeReason.CHECK_IN
            )
            record.shared_browser = code.shared_browser
            live.push_session_rows(session, created=[record])
    except IntegrityError:
        # A second submission raced this one; the database kept one record.
        raise _already_checked_in(Status(AttendanceRecord.objects.get(session=session, student=student).status))
    return record


@transaction.atomic
def lockout_clear(*, session, student) -> int:
    """Let a locked-out student type a code again."""
    cleared = CodeLockout.objects.filter(session=session, student=student).update(failures=0)
    counters.restart(tries_key(session.pk, student.pk), TRIES_SECONDS)
    live.push_lockouts(session)
    live.push_student_cards([student.pk])
    return cleared


def check_out_with_button(*, session, student, address=None, position=None, now=None):
    """The Check out button of the student's card: under the student's own limit, as a code is."""
    _check_student_rate(student)
    return record_check_out(session=session, student=student, address=address, position=position, now=now)
