"""Every rule that changes attendance: codes, check-ins, validation, roll call, closing."""

import hashlib
import hmac
import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attendance import live, selectors
from attendance.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    AttendanceCode,
    AttendanceRecord,
    CodeLockout,
    Method,
    Status,
    StatusChange,
)
from attendance_system.errors import DomainError
from courses import services as course_services
from courses.models import ClassSession, SessionState
from courses.selectors import open_sessions_of_student, students_of
from notifications.models import Kind
from notifications.services import notify, notify_many

logger = logging.getLogger(__name__)
LOCKED_MESSAGE = gettext_lazy("Too many wrong codes: code entry is locked for this session. Ask your teacher.")


def _now(now):
    return now or timezone.now()


def rotating_code(secret, step):
    digest = hmac.new(secret.encode(), str(step).encode(), hashlib.sha256).digest()
    return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:CODE_LENGTH])


def _step(code, now):
    return int((now - code.issued_at).total_seconds() // code.rotate_seconds)


def code_shown(code, *, now=None):
    """The code to display now, and when it changes (its expiry for a fixed code)."""
    now = _now(now)
    if not code.rotate_seconds:
        return code.code, code.expires_at
    step = _step(code, now)
    return rotating_code(code.secret, step), code.issued_at + timedelta(seconds=(step + 1) * code.rotate_seconds)


def _code_matches(code, typed, now):
    if code.ended_at is not None or now >= code.expires_at:
        return False
    if not code.rotate_seconds:
        return hmac.compare_digest(code.code, typed)
    # The code shown just before the current one stays good for one more period, for slow typists.
    step = _step(code, now)
    return any(hmac.compare_digest(rotating_code(code.secret, s), typed) for s in (step, step - 1) if s >= 0)


def normalize_code(typed):
    return "".join(typed.split()).upper()


@transaction.atomic
def code_issue(*, session, by, now=None):
    """A new code for an open session; the old one ends."""
    now = _now(now)
    session = _locked_session(session)
    if session.state != SessionState.OPEN:
        raise DomainError(_("Open the session first."))
    AttendanceCode.objects.filter(session=session, ended_at__isnull=True).update(ended_at=now)
    course = session.course
    rotate = course.rotate_seconds
    code = AttendanceCode.objects.create(
        session=session,
        issued_by=by,
        issued_at=now,
        rotate_seconds=rotate,
        expires_at=session.ends_at if rotate else now + timedelta(minutes=course.code_minutes),
    )
    live.push_code(session, code)
    return code


@transaction.atomic
def session_open(*, session, by, now=None):
    """Open the session for check-in, issue its first code, and show the code box on its students' dashboards."""
    course_services.session_mark_open(session=session, now=_now(now))
    code = code_issue(session=session, by=by, now=now)
    session.state = SessionState.OPEN
    live.push_student_dashboards(session)
    return code


def _check_rate(address):
    if not address:
        return
    key = f"checkin-rate:{address}"
    cache.add(key, 0, timeout=60)
    if cache.incr(key) > settings.CHECKIN_RATE_PER_ADDRESS:
        raise DomainError(_("Too many check-ins from your network right now. Wait a minute and try again."))


# How many periods back a rotating code is still recognised, to tell "expired" from "wrong".
RECOGNISED_PERIODS = 10


def _expired_match(code, typed, now):
    """Whether `typed` was this code once: a fixed code past its time, or a rotating one past its grace."""
    if not code.rotate_seconds:
        return hmac.compare_digest(code.code, typed)
    step = _step(code, now)
    return any(rotating_code(code.secret, s) == typed for s in range(max(step - RECOGNISED_PERIODS, 0), step + 1))


def _unmatched_reason(*, student, typed, open_sessions, now):
    """Why a code matched none of the student's open sessions; a wrong code counts towards the lockout."""
    live_in_other_course = (
        AttendanceCode.objects.filter(code=typed, ended_at__isnull=True, expires_at__gt=now)
        .filter(session__state=SessionState.OPEN, session__ends_at__gt=now)
        .exclude(session__course__enrollments__student=student, session__course__enrollments__active=True)
    )
    if not open_sessions:
        if live_in_other_course.exists():
            return _("This code is for a course you are not enrolled in.")
        return _("None of your sessions is open for check-in right now.")
    codes = AttendanceCode.objects.filter(session__in=open_sessions).order_by("-issued_at")[:RECOGNISED_PERIODS]
    if any(_expired_match(code, typed, now) for code in codes):
        return _("This code has expired. Ask your teacher for the current one.")
    if live_in_other_course.exists():
        return _("This code is for a course you are not enrolled in.")
    left = 0
    for session in open_sessions:
        lockout, _created = CodeLockout.objects.get_or_create(session=session, student=student)
        CodeLockout.objects.filter(pk=lockout.pk).update(failures=F("failures") + 1)
        lockout.refresh_from_db()
        if lockout.failures == selectors.MAX_WRONG_CODES:
            live.push_lockouts(session)
        left = max(left, selectors.MAX_WRONG_CODES - lockout.failures)
    if left <= 0:
        return LOCKED_MESSAGE
    return _("Wrong code. %(left)d attempts left.") % {"left": left}


def code_submit(*, student, typed, method=Method.CODE, address=None, marker="", now=None):
    """A student's check-in with a code; finds the session among the student's open ones.

    A fixed number of queries whatever the size of the course; the push happens after commit.
    """
    now = _now(now)
    typed = normalize_code(typed)
    _check_rate(address)
    open_sessions = list(open_sessions_of_student(student).filter(ends_at__gt=now))
    codes = AttendanceCode.objects.filter(session__in=open_sessions, ended_at__isnull=True)
    session = next((c.session for c in codes.select_related("session__course") if _code_matches(c, typed, now)), None)
    locked = set(
        CodeLockout.objects.filter(
            session__in=open_sessions, student=student, failures__gte=selectors.MAX_WRONG_CODES
        ).values_list("session_id", flat=True)
    )
    if (session.pk in locked) if session else (open_sessions and locked >= {s.pk for s in open_sessions}):
        raise DomainError(LOCKED_MESSAGE)
    if session is None:
        # Raised only now, so that the wrong-code count written just before is not rolled back with it.
        raise DomainError(_unmatched_reason(student=student, typed=typed, open_sessions=open_sessions, now=now))
    return _record_check_in(session=session, student=student, method=method, address=address, marker=marker, now=now)


def _already_checked_in(record):
    return DomainError(_("You have already checked in (%(status)s).") % {"status": record.get_status_display()})


def _record_check_in(*, session, student, method, address, marker, now):
    existing = AttendanceRecord.objects.filter(session=session, student=student).first()
    if existing:
        raise _already_checked_in(existing)
    is_late = now > session.starts_at + timedelta(minutes=session.late_after_minutes)
    status = _validated_status(is_late) if session.course.auto_validate else Status.PENDING
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
            )
            StatusChange.objects.create(record=record, changed_by=student, to_status=status, reason=_("Check-in"))
            same_browser = AttendanceRecord.objects.filter(session=session, browser_marker=marker)
            record.shared_browser = bool(marker) and same_browser.exclude(student=student).exists()
            live.push_session_rows(session, [record], new=True)
    except IntegrityError:
        # A second submission raced this one; the database kept one record.
        raise _already_checked_in(AttendanceRecord.objects.get(session=session, student=student))
    return record


def apply_statuses(changes, *, by, reason="", note="", justification=None):
    """Set each (record, status) pair, keep the history, and return the records that changed."""
    changed = [(record, status) for record, status in changes if record.status != status]
    StatusChange.objects.bulk_create(
        StatusChange(
            record=record,
            changed_by=by,
            from_status=record.status,
            to_status=status,
            reason=reason,
            justification=justification,
        )
        for record, status in changed
    )
    by_status = defaultdict(list)
    for record, status in changed:
        record.status = status
        by_status[status].append(record.pk)
    # A rejection's reason stays with the record only while the record stays rejected.
    extra = {"note": note or ""}
    for record, _status in changed:
        record.note = note or ""
    for status, pks in by_status.items():
        AttendanceRecord.objects.filter(pk__in=pks).update(status=status, updated_at=timezone.now(), **extra)
    return [record for record, _status in changed]


def push_changes(session, records):
    if not records:
        return
    live.push_session_rows(session, list(selectors.records_for_live(session).filter(pk__in=[r.pk for r in records])))
    for record in records:
        record.session = session
        live.push_student_status(record)


def _notify_validated(session, records):
    if records:
        notify_many(
            [record.student for record in records],
            Kind.CHECKIN_VALIDATED,
            _("Check-in validated: %(session)s") % {"session": session.label},
            url=reverse("home"),
        )


def _validated_status(is_late):
    return Status.LATE if is_late else Status.PRESENT


def _locked_record(record):
    """The record as it is now, locked until the transaction ends, so two decisions cannot cross."""
    return (
        AttendanceRecord.objects.select_for_update(of=("self",))
        .select_related("session__course", "student")
        .get(pk=record.pk)
    )


def _locked_session(session):
    """The session as it is now, locked, so that closing, roll call and new codes happen one at a time."""
    return ClassSession.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)


def insert_records(records):
    """Insert new records; a student who checks in at that very instant makes the whole action try again."""
    try:
        with transaction.atomic():
            return AttendanceRecord.objects.bulk_create(records)
    except IntegrityError:
        raise DomainError(_("A student checked in at that very moment. Please try again."))


@transaction.atomic
def record_validate(*, record, by):
    record = _locked_record(record)
    if record.status != Status.PENDING:
        raise DomainError(_("Only a pending check-in can be validated."))
    changed = apply_statuses([(record, _validated_status(record.is_late))], by=by, reason=_("Validated"))
    push_changes(record.session, changed)
    _notify_validated(record.session, changed)
    return record


@transaction.atomic
def records_validate_pending(*, session, by):
    pending = AttendanceRecord.objects.select_for_update(of=("self",)).filter(session=session, status=Status.PENDING)
    changed = apply_statuses(
        [(record, _validated_status(record.is_late)) for record in pending.select_related("student")],
        by=by,
        reason=_("Validated"),
    )
    push_changes(session, changed)
    _notify_validated(session, changed)
    return changed


@transaction.atomic
def record_reject(*, record, by, reason):
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the check-in is rejected; the student will see it."))
    record = _locked_record(record)
    if record.status != Status.PENDING:
        raise DomainError(_("Only a pending check-in can be rejected."))
    changed = apply_statuses([(record, Status.ABSENT)], by=by, reason=reason, note=reason)
    push_changes(record.session, changed)
    notify(
        record.student,
        Kind.CHECKIN_REJECTED,
        _("Check-in rejected: %(session)s") % {"session": record.session.label},
        body=reason,
        url=reverse("home"),
    )
    return record


ROLL_CALL_STATUSES = {Status.PRESENT, Status.LATE, Status.ABSENT, Status.EXCUSED}


@transaction.atomic
def roll_call_save(*, session, by, statuses):
    """Manual roll call: {student id: status} for students of the roster, saved in one transaction."""
    session = _locked_session(session)
    if session.state == SessionState.CANCELLED:
        raise DomainError(_("This session is cancelled."))
    roster = {student.pk: student for student in students_of(session.course)}
    unknown = set(statuses) - set(roster)
    if unknown:
        raise DomainError(_("Some students are not on the roster of this course."))
    if set(statuses.values()) - ROLL_CALL_STATUSES:
        raise DomainError(_("A status must be present, late, absent or excused."))
    records = {r.student_id: r for r in AttendanceRecord.objects.select_for_update().filter(session=session)}
    new = insert_records(
        AttendanceRecord(session=session, student=roster[student_id], status=status, method=Method.MANUAL)
        for student_id, status in statuses.items()
        if student_id not in records
    )
    StatusChange.objects.bulk_create(
        StatusChange(record=record, changed_by=by, to_status=record.status, reason=_("Roll call")) for record in new
    )
    changed = apply_statuses(
        [(records[student_id], status) for student_id, status in statuses.items() if student_id in records],
        by=by,
        reason=_("Roll call"),
    )
    push_changes(session, [*new, *changed])
    return len(new) + len(changed)


@transaction.atomic
def lockout_clear(*, session, student):
    """Let a locked-out student type a code again."""
    cleared = CodeLockout.objects.filter(session=session, student=student).update(failures=0)
    live.push_lockouts(session)
    return cleared


@transaction.atomic
def session_close(*, session, by=None, now=None):
    """Close check-in: students with no record are absent; pending ones are validated if the course says so.

    Running it again on a closed session changes nothing.
    """
    session = _locked_session(session)
    if session.state in {SessionState.CLOSED, SessionState.CANCELLED}:
        return 0
    if session.state != SessionState.OPEN:
        raise DomainError(_("Only a session open for check-in can be closed."))
    AttendanceCode.objects.filter(session=session, ended_at__isnull=True).update(ended_at=_now(now))
    course_services.session_mark_closed(session=session)
    recorded = AttendanceRecord.objects.filter(session=session).values("student_id")
    absent = insert_records(
        AttendanceRecord(session=session, student=student, status=Status.ABSENT, method=Method.MANUAL)
        for student in students_of(session.course).exclude(pk__in=recorded)
    )
    StatusChange.objects.bulk_create(
        StatusChange(record=r, changed_by=by, to_status=Status.ABSENT, reason=_("Session closed")) for r in absent
    )
    changed = []
    if session.course.validate_pending_on_close:
        pending = AttendanceRecord.objects.select_for_update().filter(session=session, status=Status.PENDING)
        changed = apply_statuses(
            [(r, _validated_status(r.is_late)) for r in pending], by=by, reason=_("Session closed")
        )
    live.push_code(session, None)
    live.push_student_dashboards(session)
    push_changes(session, [*absent, *changed])
    return len(absent) + len(changed)


def sessions_close_due(*, now=None):
    """Close every open session whose end has passed (the worker runs this every minute)."""
    now = _now(now)
    due = list(ClassSession.objects.filter(state=SessionState.OPEN, ends_at__lte=now).select_related("course"))
    closed = []
    for session in due:
        try:
            session_close(session=session, now=now)
        except DomainError:
            # Left open; the next run, a minute later, closes it.
            logger.exception("Closing session %s failed", session.pk)
        else:
            closed.append(session)
    return closed
