"""Low-attendance alerts: the service behind `manage.py send_attendance_alerts`, the one write of reports
(its own record of the alerts it sent)."""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import parents_of
from courses import selectors as course_selectors
from courses.services import course_lock
from notifications.models import Kind
from notifications.services import notify_many
from reports import selectors
from reports.models import AttendanceAlert

ALERT_EVERY = timedelta(days=7)


@transaction.atomic
def _alert(row, course, now):
    """Alert one student, unless a concurrent run just did (checked again under a lock on the course)."""
    course_lock(course)
    student = row.student
    if AttendanceAlert.objects.filter(student=student, course=course, sent_at__gt=now - ALERT_EVERY).exists():
        return None
    title = _("Low attendance in %(course)s: %(rate).0f %% (threshold %(threshold)d %%)") % {
        "course": course.code,
        "rate": row.tally.rate,
        "threshold": course.risk_threshold,
    }
    body = _("%(student)s attended %(attended)d of %(counted)d sessions.") % {
        "student": student,
        "attended": row.tally.attended,
        "counted": row.tally.counted,
    }
    family_url = reverse("reports:student_report", args=[course.pk, student.pk])
    notify_many([student, *parents_of(student)], Kind.LOW_ATTENDANCE, title, body=body, url=family_url)
    notify_many(
        course.teachers.all(),
        Kind.LOW_ATTENDANCE,
        _("%(student)s is below the threshold in %(course)s") % {"student": student, "course": course.code},
        body=body,
        url=reverse("reports:course_report", args=[course.pk]),
    )
    return AttendanceAlert.objects.create(student=student, course=course, rate=row.tally.rate, sent_at=now)


def send_attendance_alerts(*, now=None):
    """Alert every student below their course's threshold, unless alerted for that course in the last week.

    Running it twice sends nothing the second time.
    """
    now = now or timezone.now()
    recent = set(AttendanceAlert.objects.filter(sent_at__gt=now - ALERT_EVERY).values_list("student_id", "course_id"))
    sent = []
    for course in course_selectors.active_courses().prefetch_related("teachers"):
        for row in selectors.course_rates(course, now=now):
            if selectors.is_at_risk(row.tally, course.risk_threshold) and (row.student_id, course.pk) not in recent:
                alert = _alert(row, course, now)
                if alert:
                    sent.append(alert)
    return sent
