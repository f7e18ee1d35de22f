"""The teacher's decisions: validating or rejecting a check-in, and roll call."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from attendance.models import AttendanceRecord, ChangeReason, Method, Status
from attendance.services.records import (
    lock_record,
    push_changes,
    record_validated_status,
    records_change,
    records_create,
)
from attendance_system.errors import DomainError
from courses.models import SessionState
from courses.notices import session_params
from courses.selectors import students_of
from courses.services import session_lock
from notifications.models import Kind
from notifications.services import notify, notify_many

ROLL_CALL_STATUSES = {Status.PRESENT, Status.LATE, Status.ABSENT, Status.EXCUSED}


def _notify_validated(session, records):
    if records:
        notify_many(
            [record.student for record in records],
            Kind.CHECKIN_VALIDATED,
            session_params(session),
            url=reverse("home"),
        )


@transaction.atomic
def record_validate(*, record, by) -> AttendanceRecord:
    record = lock_record(record)
    if record.status != Status.PENDING:
        raise DomainError(_("Only a pending check-in can be validated."))
    changed = records_change(
        changes=[(record, record_validated_status(record, record.session.course))], by=by, reason=ChangeReason.VALIDATED
    )
    push_changes(session=record.session, changed=changed)
    _notify_validated(record.session, changed)
    return record


@transaction.atomic
def records_validate_pending(*, session, by) -> list[AttendanceRecord]:
    pending = AttendanceRecord.objects.select_for_update(of=("self",)).filter(session=session, status=Status.PENDING)
    changed = records_change(
        changes=[
            (record, record_validated_status(record, session.course))
            for record in pending.select_related("student__institution")
        ],
        by=by,
        reason=ChangeReason.VALIDATED,
    )
    push_changes(session=session, changed=changed)
    _notify_validated(session, changed)
    return changed


@transaction.atomic
def record_reject(*, record, by, reason: str) -> AttendanceRecord:
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the check-in is rejected; the student will see it."))
    record = lock_record(record)
    if record.status != Status.PENDING:
        raise DomainError(_("Only a pending check-in can be rejected."))
    changed = records_change(changes=[(record, Status.ABSENT)], by=by, reason=reason, note=reason)
    push_changes(session=record.session, changed=changed)
    notify(
        record.student,
        Kind.CHECKIN_REJECTED,
        session_params(record.session, reason=reason),
        url=reverse("home"),
    )
    return record


@transaction.atomic
def roll_call_save(*, session, by, statuses: dict) -> int:
    """Manual roll call: {student id: status} for students of the roster, saved in one transaction."""
    session = session_lock(session)
    if session.state == SessionState.CANCELLED:
        raise DomainError(_("This session is cancelled."))
    roster = {student.pk: student for student in students_of(session.course)}
    if set(statuses) - set(roster):
        raise DomainError(_("Some students are not on the roster of this course."))
    if set(statuses.values()) - ROLL_CALL_STATUSES:
        raise DomainError(_("A status must be present, late, absent or excused."))
    records = {r.student_id: r for r in AttendanceRecord.objects.select_for_update().filter(session=session)}
    new = records_create(
        records=[
            AttendanceRecord(session=session, student=roster[student_id], status=status, method=Method.MANUAL)
            for student_id, status in statuses.items()
            if student_id not in records
        ],
        by=by,
        reason=ChangeReason.ROLL_CALL,
    )
    changed = records_change(
        changes=[(records[student_id], status) for student_id, status in statuses.items() if student_id in records],
        by=by,
        reason=ChangeReason.ROLL_CALL,
    )
    push_changes(session=session, created=new, changed=changed)
    return len(new) + len(changed)
