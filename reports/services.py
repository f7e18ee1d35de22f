"""The weekly alerts: the service behind `manage.py send_attendance_alerts`, the one write of reports (its own
record of the alerts it sent). It sends the three alert lists of the progress dashboards (reports.progress): low
attendance (per course), low performance and behavioural concerns, once a week at most per student and reason
(and course, for attendance)."""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import institutions, parents_of
from behaviour import selectors as behaviour_selectors
from courses import selectors as course_selectors
from courses.services import course_lock
from notifications.models import Kind
from notifications.services import notify_many
from reports import progress
from reports.models import AlertReason, AttendanceAlert

ALERT_EVERY = timedelta(days=7)


def _sent_this_week(alert, now):
    sent = AttendanceAlert.objects.filter(student=alert.student, reason=alert.reason, sent_at__gt=now - ALERT_EVERY)
    return sent.filter(course=alert.course).exists() if alert.course else sent.exists()


def _tell_low_attendance(alert):
    course, student, tally = alert.course, alert.student, alert.tally
    params = {
        "student": str(student),
        "course": course.code,
        "rate": tally.rate,
        "threshold": course.risk_threshold,
        "attended": tally.attended,
        "counted": tally.counted,
    }
    family_url = reverse("reports:student_report", args=[course.pk, student.pk])
    notify_many([student, *parents_of(student)], Kind.LOW_ATTENDANCE, {**params, "to": "family"}, url=family_url)
    notify_many(
        course.teachers.all(),
        Kind.LOW_ATTENDANCE,
        {**params, "to": "teachers"},
        url=reverse("reports:course_report", args=[course.pk]),
    )


def _tell_low_performance(alert):
    student, url = alert.student, reverse("reports:student_profile", args=[alert.student.pk])
    params = {"student": str(student), "facts": alert.facts}
    notify_many([student, *parents_of(student)], Kind.LOW_PERFORMANCE, {**params, "to": "family"}, url=url)
    notify_many(alert.progress.teachers, Kind.LOW_PERFORMANCE, {**params, "to": "teachers"}, url=url)


def _tell_behaviour(alert):
    """The teachers only: the family is told by behaviour's escalation letters, as the institution allows."""
    student = alert.student
    notify_many(
        alert.progress.teachers,
        Kind.BEHAVIOUR_CONCERN,
        {"student": str(student), "facts": alert.facts},
        url=reverse("reports:student_profile", args=[student.pk]),
    )


TELL = {
    AlertReason.LOW_ATTENDANCE: _tell_low_attendance,
    AlertReason.LOW_PERFORMANCE: _tell_low_performance,
    AlertReason.BEHAVIOUR: _tell_behaviour,
}


@transaction.atomic
def _send(alert, now):
    """Send one alert, unless a concurrent run just did (checked again under a lock on the course, or on the
    student's courses)."""
    for course in (
        [alert.course] if alert.course else sorted((r.course for r in alert.progress.rows), key=lambda c: c.pk)
    ):
        course_lock(course)
    if _sent_this_week(alert, now):
        return None
    TELL[alert.reason](alert)
    return AttendanceAlert.objects.create(
        student=alert.student, reason=alert.reason, course=alert.course, rate=alert.figure, sent_at=now
    )


def send_attendance_alerts(*, now=None):
    """Send every alert of the institution's three lists not sent in the last week for the same student and
    reason (and course). Running it twice sends nothing the second time."""
    now = now or timezone.now()
    recent = set(
        AttendanceAlert.objects.filter(sent_at__gt=now - ALERT_EVERY).values_list("student_id", "reason", "course_id")
    )
    sent = []
    # Each institution's lists by its own thresholds, about its own students, to its own people.
    for institution in institutions():
        overview = progress.progress_overview(
            course_selectors.active_courses(institution),
            behaviour_selectors.institution_records(institution),
            institution=institution,
            now=now,
        )
        for alerts in overview["alerts"].values():
            for alert in alerts:
                key = (alert.student.pk, alert.reason.value, alert.course.pk if alert.course else None)
                if key not in recent and (record := _send(alert, now)):
                    sent.append(record)
    return sent
