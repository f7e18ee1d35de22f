"""Low-attendance alerts: the services behind `manage.py send_attendance_alerts`."""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import parents_of
from attendance import reports
from attendance.models import AttendanceAlert
from courses.models import Course
from notifications.models import Kind
from notifications.services import notify_many

ALERT_EVERY = timedelta(days=7)


@transaction.atomic
def _alert(row, course, now):
    """Alert one student, unless a concurrent run just did (checked again under a lock on the course)."""
    Course.objects.select_for_update().filter(pk=course.pk).first()
    student = row.student
    if AttendanceAlert.objects.filter(student=student, course=course, sent_at__gt=now - ALERT_EVERY).exists():
        return None
    title = _("Low attendance in %(course)s: %(rate).0f %% (threshold %(threshold)d %%)") % {
        "course": course.code,
        "rate": row.rate,
        "threshold": course.risk_threshold,
    }
    body = _("%(student)s attended %(attended)d of %(counted)d sessions.") % {
        "student": student,
        "attended": row.present + row.late,
        "counted": row.counted,
    }
    family_url = reverse("attendance:student_report", args=[course.pk, student.pk])
    notify_many([student, *parents_of(student)], Kind.LOW_ATTENDANCE, title, body=body, url=family_url)
    notify_many(
        course.teachers.all(),
        Kind.LOW_ATTENDANCE,
        _("%(student)s is below the threshold in %(course)s") % {"student": student, "course": course.code},
        body=body,
        url=reverse("attendance:course_report", args=[course.pk]),
    )
    return AttendanceAlert.objects.create(student=student, course=course, rate=row.rate, sent_at=now)


def send_attendance_alerts(*, now=None):
    """Alert every student below their course's threshold, unless alerted for that course in the last week.

    Running it twice sends nothing the second time.
    """
    now = now or timezone.now()
    recent = set(AttendanceAlert.objects.filter(sent_at__gt=now - ALERT_EVERY).values_list("student_id", "course_id"))
    sent = []
    for course in Course.objects.filter(archived=False).prefetch_related("teachers"):
        for row in reports.course_rates(course, now=now):
            if reports.is_at_risk(row.rate, course.risk_threshold) and (row.student_id, course.pk) not in recent:
                alert = _alert(row, course, now)
                if alert:
                    sent.append(alert)
    return sent
