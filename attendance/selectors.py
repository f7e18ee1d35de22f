from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.selectors import children_of
from attendance.models import AttendanceCode, AttendanceRecord, CodeLockout, Justification, Status
from courses.models import Enrollment, SessionState
from courses.selectors import courses_managed_by, sessions_of_student, students_of

MAX_WRONG_CODES = 5


def live_code(session):
    return AttendanceCode.objects.filter(session=session, ended_at__isnull=True).first()


def records_for_live(session):
    """The session's records, newest first, with students and a flag for a browser shared with another student."""
    shared = AttendanceRecord.objects.filter(
        session=OuterRef("session"), browser_marker=OuterRef("browser_marker")
    ).exclude(student=OuterRef("student"))
    return (
        AttendanceRecord.objects.filter(session=session)
        .select_related("student")
        .annotate(shared_browser=Exists(shared.exclude(browser_marker="")))
        .order_by("-submitted_at", "-pk")
    )


def counters(session):
    """Enrolled, checked in, validated, pending and missing students of a session, in two queries."""
    enrolled = students_of(session.course).count()
    counts = AttendanceRecord.objects.filter(session=session).aggregate(
        checked_in=Count("pk", filter=Q(status__in=[Status.PENDING, Status.PRESENT, Status.LATE])),
        validated=Count("pk", filter=Q(status__in=[Status.PRESENT, Status.LATE])),
        pending=Count("pk", filter=Q(status=Status.PENDING)),
        recorded=Count("pk"),
    )
    return {**counts, "enrolled": enrolled, "missing": max(enrolled - counts["recorded"], 0)}


def locked_students(session):
    return CodeLockout.objects.filter(session=session, failures__gte=MAX_WRONG_CODES).select_related("student")


def student_ids(session):
    return list(students_of(session.course).values_list("pk", flat=True))


def justifications_visible_to(user):
    """Justifications a user may see: their own, their children's, their courses', or all for an admin."""
    justifications = Justification.objects.select_related("student", "course", "document", "submitted_by")
    if user.is_admin:
        return justifications
    if user.is_teacher:
        return justifications.filter(course__in=courses_managed_by(user))
    if user.is_student:
        return justifications.filter(student=user)
    if user.is_parent:
        return justifications.filter(student__in=children_of(user))
    return justifications.none()


def justifications_reviewable_by(user):
    return justifications_visible_to(user).filter(course__in=courses_managed_by(user))


def sessions_to_justify(student):
    """The sessions a justification may cover: the student's, not cancelled, from 60 days back to 14 ahead."""
    now = timezone.now()
    return (
        sessions_of_student(student)
        .exclude(state=SessionState.CANCELLED)
        .filter(starts_at__gte=now - timedelta(days=60), starts_at__lte=now + timedelta(days=14))
        .select_related("course")
        .order_by("-starts_at")
    )


def with_live_counts(sessions):
    """Sessions annotated with their enrolled and checked-in counts, in the same query."""
    enrolled = (
        Enrollment.objects.filter(course=OuterRef("course"), active=True)
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return sessions.annotate(
        checked_in=Count("records", filter=Q(records__status__in=[Status.PENDING, Status.PRESENT, Status.LATE])),
        enrolled=Subquery(enrolled[:1]),
    )
