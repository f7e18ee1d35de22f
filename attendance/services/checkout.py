"""Checking out at the end of a session, in a course that requires it, and flagging at closing who left early.

A student checks out with the check-out code the teacher shows (any time it is live), or with the Check out
button of their check-in card in the last `Course.checkout_minutes` of the session. When the session closes,
a checked-in student who did not check out, or checked out before check-out opened, left early."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from attendance.models import AttendanceRecord, ChangeReason, Method, Status, StatusChange
from attendance.services.integrity import check_network, check_place
from attendance.services.records import push_changes, records_change, worse
from attendance_system.errors import DomainError
from courses.models import ClassSession, SessionState

# The records of students who came: only they check out.
CHECKED_IN = [Status.PENDING, Status.PRESENT, Status.LATE]


def _time(moment):
    return time_format(timezone.localtime(moment))


def checkout_refusal(*, session, record, with_code: bool, now) -> str | None:
    """Why the student of `record` (None: they have none) may not check out of `session` now, with the code or
    with the button; None when they may. The check-in card shows the button exactly when this is None."""
    if not session.course.checkout_required:
        return _("This course does not use check-out.")
    if session.state != SessionState.OPEN or now >= session.ends_at:
        return _("This session is over: check-out has ended.")
    if record is None or record.status not in CHECKED_IN:
        return _("You cannot check out: you have not checked in to this session.")
    if record.checked_out_at:
        return _("You have already checked out, at %(time)s.") % {"time": _time(record.checked_out_at)}
    if not with_code and now < session.checkout_opens_at():
        return _("Check-out opens at %(time)s.") % {"time": _time(session.checkout_opens_at())}
    return None


@transaction.atomic
def record_check_out(
    *, session, student, with_code: bool = False, address=None, position=None, now=None
) -> AttendanceRecord:
    """The student checks out of `session`: the time goes on their record and in its history, and the teacher's
    live page and the student's pages show it. A session that checks the network or the place a check-in comes
    from checks a check-out alike: leaving early is not hidden by checking out from home."""
    now = now or timezone.now()
    record = (
        AttendanceRecord.objects.select_for_update(of=("self",))
        .select_related("student")
        .filter(session=session, student=student)
        .first()
    )
    # Read after the record's lock, which closing also takes: a check-out never crosses a closing.
    session = ClassSession.objects.select_related("course").get(pk=session.pk)
    refusal = checkout_refusal(session=session, record=record, with_code=with_code, now=now)
    if refusal:
        raise DomainError(refusal)
    check_network(session=session, address=address)
    check_place(session=session, position=position)
    record.checked_out_at = now
    AttendanceRecord.objects.filter(pk=record.pk).update(checked_out_at=now, updated_at=now)
    StatusChange.objects.create(
        record=record,
        changed_by=student,
        from_status=record.status,
        to_status=record.status,
        reason_kind=ChangeReason.CHECK_OUT_WITH_CODE if with_code else ChangeReason.CHECK_OUT,
    )
    push_changes(session=session, changed=[record])
    return record


def records_flag_early_leave(*, session, end, by) -> list[AttendanceRecord]:
    """At closing (`end`: when the session ended), flag the checked-in students who did not check out or checked
    out before check-out opened, and give them what leaving early counts as in the course if it is worse than
    their status (a pending check-in stays pending: validating it applies the flag). Each flag is a line of the
    record's history. A record of roll call is not flagged: the student did not check in, so had nothing to
    check out of.

    Expects the caller to hold the session's lock."""
    opens = session.checkout_opens_at(end)
    records = list(
        AttendanceRecord.objects.select_for_update(of=("self",))
        .select_related("student")
        .filter(session=session, status__in=CHECKED_IN)
        .exclude(method=Method.MANUAL)
        .filter(Q(checked_out_at__isnull=True) | Q(checked_out_at__lt=opens))
    )
    AttendanceRecord.objects.filter(pk__in=[r.pk for r in records]).update(left_early=True)
    for record in records:
        record.left_early = True

    def counted(record):
        if record.status == Status.PENDING:
            return record.status
        return worse(record.status, session.course.early_leave_counts_as)

    flagged = []
    for missing, reason in [
        (True, ChangeReason.LEFT_WITHOUT_CHECK_OUT),
        (False, ChangeReason.CHECKED_OUT_TOO_SOON),
    ]:
        flagged += records_change(
            changes=[(r, counted(r)) for r in records if (r.checked_out_at is None) == missing],
            by=by,
            reason=reason,
            unchanged_too=True,
        )
    return flagged
