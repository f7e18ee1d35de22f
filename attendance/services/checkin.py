"""A student's check-in with a code, the limits around it, and the lockout after too many wrong codes."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from attendance import live, selectors
from attendance.models import AttendanceCode, AttendanceRecord, CodeLockout, Method, Purpose, Status, StatusChange
from attendance.services.checkout import record_check_out
from attendance.services.codes import RECOGNISED_PERIODS, code_matches, code_was, normalize_code
from attendance.services.integrity import checkin_evidence
from attendance.services.records import validated_status
from attendance_system.errors import DomainError
from courses.selectors import open_sessions_of_student

LOCKED_MESSAGE = gettext_lazy("Too many wrong codes: code entry is locked for this session. Ask your teacher.")


class CodeEntryLocked(DomainError):
    """Code entry is locked for every open session of the student that still waits for a check-in."""

    def __init__(self):
        super().__init__(str(LOCKED_MESSAGE))


def _check_rate(address):
    if not address:
        return
    key = f"checkin-rate:{address}"
    try:
        count = cache.incr(key)
    except ValueError:
        # The first check-in of this address's minute (one Redis round trip for all the others); if another
        # request just opened the minute, count on it.
        count = 1 if cache.add(key, 1, timeout=60) else cache.incr(key)
    if count > settings.CHECKIN_RATE_PER_ADDRESS:
        raise DomainError(_("Too many check-ins from your network right now. Wait a minute and try again."))


def _too_many_wrong_codes(student):
    """Count one more wrong code of the student's within the hour; whether they are past the limit. Other
    courses' codes say nothing (a code of a course not theirs is a wrong code like any other), and this bounds
    guessing across all the student's sessions."""
    key = f"checkin-wrong:{student.pk}"
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1 if cache.add(key, 1, timeout=3600) else cache.incr(key)
    return count > settings.CHECKIN_WRONG_CODES_PER_HOUR


def _unmatched_reason(*, student, typed, open_sessions, now):
    """Why a code matched none of the student's open sessions; a wrong code counts towards the lockout."""
    if _too_many_wrong_codes(student):
        return _("Too many wrong codes in the last hour. Ask your teacher.")
    if not open_sessions:
        return _("None of your sessions is open for check-in right now.")
    codes = AttendanceCode.objects.filter(session__in=open_sessions).order_by("-issued_at")[:RECOGNISED_PERIODS]
    if any(code_was(code, typed, now) for code in codes):
        return _("This code has expired. Ask your teacher for the current one.")
    left = 0
    for session in open_sessions:
        lockout, _created = CodeLockout.objects.get_or_create(session=session, student=student)
        CodeLockout.objects.filter(pk=lockout.pk).update(failures=F("failures") + 1)
        lockout.refresh_from_db()
        if lockout.failures == selectors.MAX_WRONG_CODES:
            live.push_lockouts(session)
            live.push_student_cards([student.pk])
        left = max(left, selectors.MAX_WRONG_CODES - lockout.failures)
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
    _check_rate(address)
    live_codes = selectors.live_codes_of_student(student, now=now, marker=marker)
    code = next((code for code in live_codes if code_matches(code, typed, now)), None)
    if code is None:
        raise _refusal(student=student, typed=typed, now=now)
    if code.locked:
        raise CodeEntryLocked
    if code.purpose == Purpose.CHECK_OUT:
        return record_check_out(session=code.session, student=student, with_code=True, now=now)
    if code.record_status:
        raise _already_checked_in(Status(code.record_status))
    evidence = checkin_evidence(session=code.session, address=address, position=position)
    return _record_check_in(
        code=code, student=student, method=method, address=address, marker=marker, now=now, **evidence
    )


def _refusal(*, student, typed, now):
    """Why a code matched no live code of the student's: locked everywhere, expired, another course's, wrong."""
    open_sessions = list(open_sessions_of_student(student).filter(ends_at__gt=now))
    lockouts = CodeLockout.objects.filter(session__in=open_sessions, student=student)
    locked = set(selectors.locked_lockouts(lockouts).values_list("session_id", flat=True))
    if open_sessions and locked >= {s.pk for s in open_sessions}:
        return CodeEntryLocked()
    # The wrong-code count is written outside any transaction, so that raising this does not roll it back.
    return DomainError(_unmatched_reason(student=student, typed=typed, open_sessions=open_sessions, now=now))


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
            StatusChange.objects.create(record=record, changed_by=student, to_status=status, reason=_("Check-in"))
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
    live.push_lockouts(session)
    live.push_student_cards([student.pk])
    return cleared
