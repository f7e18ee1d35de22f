"""Writing attendance records with their history, for the services of this package.

Each helper here expects its caller to hold the lock of the session the records belong to (taken with
`courses.services.session_lock`), so that two decisions about one record cannot cross. `records_excuse` is
the one public service: it takes its own locks.
"""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance import live, selectors
from attendance.models import AttendanceRecord, ChangeReason, Method, Status, StatusChange
from attendance_system.errors import DomainError
from courses.services import session_lock


def validated_status(is_late: bool) -> Status:
    return Status.LATE if is_late else Status.PRESENT


# From the best to the worst of the statuses a validated record may have.
SEVERITY = [Status.PRESENT, Status.LATE, Status.ABSENT]


def record_validated_status(record: AttendanceRecord, course) -> Status:
    """The status of a record once validated: late if the check-in was late and, if the student left early, what
    the course counts that as, the worse of the two."""
    status = validated_status(record.is_late)
    if record.left_early:
        status = worse(status, course.early_leave_counts_as)
    return status


def worse(*statuses) -> Status:
    """The most severe of attended statuses (present, late, absent)."""
    return max((Status(status) for status in statuses), key=SEVERITY.index)


def lock_record(record: AttendanceRecord) -> AttendanceRecord:
    """The record as it is now, locked until the transaction ends."""
    return (
        AttendanceRecord.objects.select_for_update(of=("self",))
        .select_related("session__course", "student")
        .get(pk=record.pk)
    )


def why(reason, justification=None):
    """A StatusChange's fields for `reason`: a ChangeReason (said in each reader's language), or a person's words."""
    if not isinstance(reason, ChangeReason):
        return {"reason": reason}
    params = {"number": justification.pk} if reason == ChangeReason.JUSTIFICATION_APPROVED else {}
    return {"reason_kind": reason, "reason_params": params}


def records_create(*, records, by, reason, justification=None) -> list[AttendanceRecord]:
    """Insert new records and the first line of their history.

    A student who checks in at that very instant makes the whole action try again.
    """
    try:
        with transaction.atomic():
            created = AttendanceRecord.objects.bulk_create(records)
    except IntegrityError:
        raise DomainError(_("A student checked in at that very moment. Please try again."))
    StatusChange.objects.bulk_create(
        StatusChange(
            record=r, changed_by=by, to_status=r.status, justification=justification, **why(reason, justification)
        )
        for r in created
    )
    return created


def records_change(
    *, changes, by, reason, note: str = "", justification=None, unchanged_too: bool = False
) -> list[AttendanceRecord]:
    """Set each (record, status) pair, keep the history, and return the records that changed (all of them, with a
    line of history each, when `unchanged_too`: a flag that leaves the status as it was).

    A rejection's reason (`note`) stays with the record only while the record stays rejected.
    """
    changed = [(record, status) for record, status in changes if unchanged_too or record.status != status]
    StatusChange.objects.bulk_create(
        StatusChange(
            record=record,
            changed_by=by,
            from_status=record.status,
            to_status=status,
            justification=justification,
            **why(reason, justification),
        )
        for record, status in changed
    )
    by_status = defaultdict(list)
    for record, status in changed:
        record.status, record.note = status, note
        by_status[status].append(record.pk)
    for status, pks in by_status.items():
        AttendanceRecord.objects.filter(pk__in=pks).update(status=status, updated_at=timezone.now(), note=note)
    return [record for record, _status in changed]


def push_changes(*, session, created=(), changed=()) -> None:
    """Each student's own status to their pages, and new and changed rows to the session's live pages (the
    statuses first: a lecture hall's rows take longer to render)."""
    if not created and not changed:
        return
    live.push_student_statuses(session, [*created, *changed])
    rows = {r.pk: r for r in selectors.records_for_live(session).filter(pk__in=[r.pk for r in [*created, *changed]])}
    live.push_session_rows(session, created=[rows[r.pk] for r in created], changed=[rows[r.pk] for r in changed])


@transaction.atomic
def records_excuse(*, student, sessions, by, reason, justification=None) -> list[AttendanceRecord]:
    """Excuse a student from sessions: an absent record becomes excused, a missing one is created excused.

    A student who came (present, late, or a check-in still pending) keeps that record. Each session is locked
    first, as roll call and closing lock it, so an excuse cannot cross them.
    """
    sessions = [session_lock(session) for session in sorted(sessions, key=lambda s: s.pk)]
    existing = {
        record.session_id: record
        for record in AttendanceRecord.objects.select_for_update().filter(student=student, session__in=sessions)
    }
    created = records_create(
        records=[
            AttendanceRecord(session=session, student=student, status=Status.EXCUSED, method=Method.MANUAL)
            for session in sessions
            if session.pk not in existing
        ],
        by=by,
        reason=reason,
        justification=justification,
    )
    changed = records_change(
        changes=[(record, Status.EXCUSED) for record in existing.values() if record.status == Status.ABSENT],
        by=by,
        reason=reason,
        justification=justification,
    )
    for session in sessions:
        push_changes(
            session=session,
            created=[r for r in created if r.session_id == session.pk],
            changed=[r for r in changed if r.session_id == session.pk],
        )
    return [*created, *changed]
