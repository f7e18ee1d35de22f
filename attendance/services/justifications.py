"""Absence justifications: submitted by a student or a parent, reviewed by the course's teachers."""

from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import parents_of
from attendance.models import ChangeReason, Document, Justification, JustificationState
from attendance.services.records import records_excuse
from attendance.uploads import check_document
from attendance_system.errors import DomainError
from courses.models import SessionState
from courses.selectors import sessions_of_student
from notifications.models import Kind
from notifications.services import notify_many


def _store_document(upload, by):
    content_type, name = check_document(upload)
    document = Document(original_name=name, content_type=content_type, size=upload.size, uploaded_by=by)
    document.file.save("document", upload, save=False)
    document.save()
    return document


@transaction.atomic
def justification_submit(*, student, submitted_by, sessions, reason, explanation, upload=None):
    """One justification per course concerned, sharing one document; the course's teachers are told."""
    sessions = list(sessions)
    allowed = set(sessions_of_student(student).exclude(state=SessionState.CANCELLED).values_list("pk", flat=True))
    if not sessions:
        raise DomainError(_("Choose at least one session."))
    if any(session.pk not in allowed for session in sessions):
        raise DomainError(_("Some of these sessions are not the student's."))
    if not explanation.strip():
        raise DomainError(_("Explain the absence in a few words."))
    covered = Justification.objects.filter(
        student=student,
        sessions__in=sessions,
        state__in=[JustificationState.PENDING, JustificationState.APPROVED],
    )
    if covered.exists():
        raise DomainError(_("Some of these sessions are already covered by a pending or approved justification."))
    document = _store_document(upload, submitted_by) if upload else None
    by_course = defaultdict(list)
    for session in sessions:
        by_course[session.course].append(session)
    justifications = []
    for course, course_sessions in by_course.items():
        justification = Justification.objects.create(
            student=student,
            submitted_by=submitted_by,
            course=course,
            reason=reason,
            explanation=explanation.strip(),
            document=document,
        )
        justification.sessions.set(course_sessions)
        justifications.append(justification)
        notify_many(
            course.teachers.all(),
            Kind.JUSTIFICATION_SUBMITTED,
            {"student": str(student), "course": course.code, "reason": justification.reason},
            url=reverse("attendance:justification_detail", args=[justification.pk]),
        )
    return justifications


def _locked_pending(justification):
    justification = (
        Justification.objects.select_for_update(of=("self",))
        .select_related("student", "course")
        .get(pk=justification.pk)
    )
    if justification.state != JustificationState.PENDING:
        raise DomainError(_("This justification was already %(state)s.") % {"state": justification.get_state_display()})
    return justification


def _tell_family(justification, kind, params):
    notify_many(
        [justification.student, *parents_of(justification.student)],
        kind,
        {"course": justification.course.code, **params},
        url=reverse("attendance:justification_detail", args=[justification.pk]),
    )


@transaction.atomic
def justification_approve(*, justification, by):
    """Absent records of its sessions become excused, missing ones are created excused, and their history
    names it. A student who came (present, late, or a check-in still pending) keeps that record."""
    justification = _locked_pending(justification)
    records_excuse(
        student=justification.student,
        sessions=justification.sessions.select_related("course"),
        by=by,
        reason=ChangeReason.JUSTIFICATION_APPROVED,
        justification=justification,
    )
    justification.state = JustificationState.APPROVED
    justification.reviewed_by, justification.reviewed_at = by, timezone.now()
    justification.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    _tell_family(
        justification,
        Kind.JUSTIFICATION_APPROVED,
        {},
    )
    return justification


@transaction.atomic
def justification_deny(*, justification, by, comment):
    comment = comment.strip()
    if not comment:
        raise DomainError(_("Say why the justification is denied; the student and parents will read it."))
    justification = _locked_pending(justification)
    justification.state = JustificationState.DENIED
    justification.reviewed_by, justification.reviewed_at = by, timezone.now()
    justification.review_comment = comment
    justification.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_comment"])
    _tell_family(
        justification,
        Kind.JUSTIFICATION_DENIED,
        {"comment": comment},
    )
    return justification


@transaction.atomic
def justification_withdraw(*, justification, by):
    """Whoever submitted a pending justification may take it back."""
    justification = _locked_pending(justification)
    if justification.submitted_by_id != by.pk:
        raise DomainError(_("Only the person who submitted it can withdraw it."))
    justification.state = JustificationState.WITHDRAWN
    justification.save(update_fields=["state"])
    return justification
