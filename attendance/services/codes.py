"""Check-in codes: issuing one, the code shown on a rotating projector, and matching what a student typed."""

import hashlib
import hmac
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance import live, selectors
from attendance.models import CODE_ALPHABET, CODE_LENGTH, AttendanceCode, Purpose
from attendance_system.errors import DomainError
from courses.models import SessionState
from courses.services import session_lock

# How many periods back a rotating code is still recognised, to tell "expired" from "wrong".
RECOGNISED_PERIODS = 10


def rotating_code(secret: str, step: int) -> str:
    digest = hmac.new(secret.encode(), str(step).encode(), hashlib.sha256).digest()
    return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:CODE_LENGTH])


def _same(code, typed):
    """Compared in constant time, as bytes: whatever a student typed (accents, full-width letters) is only a
    code that does not match."""
    return hmac.compare_digest(code.encode(), typed.encode())


def _step(code, now):
    return int((now - code.issued_at).total_seconds() // code.rotate_seconds)


def code_shown(code: AttendanceCode, *, now=None):
    """The code to display now, and when it changes (its expiry for a fixed code)."""
    now = now or timezone.now()
    if not code.rotate_seconds:
        return code.code, code.expires_at
    step = _step(code, now)
    return rotating_code(code.secret, step), code.issued_at + timedelta(seconds=(step + 1) * code.rotate_seconds)


def code_matches(code: AttendanceCode, typed: str, now) -> bool:
    """Whether `typed` is the live code now (a rotating code: the current one or the one just before)."""
    if code.ended_at is not None or now >= code.expires_at:
        return False
    if not code.rotate_seconds:
        return _same(code.code, typed)
    # The code shown just before the current one stays good for one more period, for slow typists.
    step = _step(code, now)
    return any(_same(rotating_code(code.secret, s), typed) for s in (step, step - 1) if s >= 0)


def code_was(code: AttendanceCode, typed: str, now) -> bool:
    """Whether `typed` was this code once: a fixed code past its time, or a rotating one past its grace."""
    if not code.rotate_seconds:
        return _same(code.code, typed)
    step = _step(code, now)
    return any(rotating_code(code.secret, s) == typed for s in range(max(step - RECOGNISED_PERIODS, 0), step + 1))


def normalize_code(typed: str) -> str:
    return "".join(typed.split()).upper()


@transaction.atomic
def code_issue(*, session, by, purpose=Purpose.CHECK_IN, now=None) -> AttendanceCode:
    """A new code for an open session, for checking in or (in a course that requires it) out; the old one ends.

    A session has one live code: showing the check-out code ends check-in with a code, and back."""
    now = now or timezone.now()
    session = session_lock(session)
    if session.state != SessionState.OPEN:
        raise DomainError(_("Open the session first."))
    if purpose == Purpose.CHECK_OUT and not session.course.checkout_required:
        raise DomainError(_("This course does not use check-out: turn it on in the course's settings."))
    previous = AttendanceCode.objects.filter(session=session, ended_at__isnull=True).first()
    AttendanceCode.objects.filter(session=session, ended_at__isnull=True).update(ended_at=now)
    course = session.course
    rotate = course.rotate_seconds
    code = AttendanceCode.objects.create(
        session=session,
        issued_by=by,
        issued_at=now,
        rotate_seconds=rotate,
        purpose=purpose,
        expires_at=session.ends_at if rotate else now + timedelta(minutes=course.code_minutes),
    )
    live.push_code(session, code)
    if Purpose.CHECK_OUT in {purpose, previous and previous.purpose}:
        # Students' cards show the code box for a check-out code, and stop when it ends.
        live.push_student_cards(selectors.student_ids(session))
    return code
