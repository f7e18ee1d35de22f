from django.db.models import Count, Exists, OuterRef, Q

from attendance.models import AttendanceCode, AttendanceRecord, CodeLockout, Status
from courses.selectors import students_of

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
