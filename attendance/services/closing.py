"""Opening a session for check-in and closing it: the session lifecycle of `courses.services`, with what
attendance adds to it (the first code, the absent students, the live pages told)."""

import logging

from django.db import transaction
from django.utils import timezone

from attendance import live, selectors
from attendance.models import AttendanceCode, AttendanceRecord, ChangeReason, Method, Status
from attendance.services.checkout import records_flag_early_leave
from attendance.services.codes import code_issue
from attendance.services.records import push_changes, record_validated_status, records_change, records_create
from attendance_system.errors import DomainError
from courses import services as course_services
from courses.models import SessionState
from courses.selectors import open_sessions_due, students_of

logger = logging.getLogger(__name__)


@transaction.atomic
def session_open(*, session, by, now=None) -> AttendanceCode:
    """Open the session for check-in, issue its first code, and show the code box on its students' dashboards."""
    session = course_services.session_open(session=session, now=now)
    code = code_issue(session=session, by=by, now=now)
    live.push_student_cards(selectors.student_ids(session))
    return code


@transaction.atomic
def session_close(*, session, by=None, now=None) -> int:
    """Close check-in: students with no record are absent; in a course that requires check-out, those who left
    early are flagged (the session ended now, or at its end if that came first); pending ones are validated if
    the course says so.

    Running it again on a closed (or cancelled) session changes nothing.
    """
    now = now or timezone.now()
    if course_services.session_lock(session).state in {SessionState.CLOSED, SessionState.CANCELLED}:
        return 0
    session = course_services.session_close(session=session, now=now)
    AttendanceCode.objects.filter(session=session, ended_at__isnull=True).update(ended_at=now)
    recorded = AttendanceRecord.objects.filter(session=session).values("student_id")
    absent = records_create(
        records=[
            AttendanceRecord(session=session, student=student, status=Status.ABSENT, method=Method.MANUAL)
            for student in students_of(session.course).exclude(pk__in=recorded)
        ],
        by=by,
        reason=ChangeReason.SESSION_CLOSED,
    )
    changed = []
    if session.course.checkout_required:
        changed = records_flag_early_leave(session=session, end=min(now, session.ends_at), by=by)
    if session.course.validate_pending_on_close:
        pending = AttendanceRecord.objects.select_for_update().filter(session=session, status=Status.PENDING)
        changed += records_change(
            changes=[(r, record_validated_status(r, session.course)) for r in pending],
            by=by,
            reason=ChangeReason.SESSION_CLOSED,
        )
    changed = list({record.pk: record for record in changed}.values())
    live.push_code(session, None)
    live.push_student_cards(selectors.student_ids(session))
    push_changes(session=session, created=absent, changed=changed)
    return len(absent) + len(changed)


def sessions_close_due(*, now=None) -> list:
    """Close every open session whose end has passed (the scheduler runs this every minute)."""
    now = now or timezone.now()
    closed = []
    for session in open_sessions_due(now=now):
        try:
            session_close(session=session, now=now)
        except DomainError:
            # Left open; the next run, a minute later, closes it.
            logger.exception("Closing session %s failed", session.pk)
        else:
            closed.append(session)
    return closed
