"""Moving AttendanceAlert from attendance to reports keeps the alerts already sent."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.tests.factories import StudentFactory
from courses.tests.factories import CourseFactory

LAST_IN_ATTENDANCE = ("attendance", "0006_attendance_alerts")


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_alerts_sent_before_the_move_are_still_there_after_it():
    student, course = StudentFactory(), CourseFactory()
    migrate([("reports", None), LAST_IN_ATTENDANCE])
    try:
        old = MigrationExecutor(connection).loader.project_state(LAST_IN_ATTENDANCE).apps
        old.get_model("attendance", "AttendanceAlert").objects.create(
            student_id=student.pk, course_id=course.pk, rate=42.0
        )
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    from reports.models import AttendanceAlert

    alert = AttendanceAlert.objects.get()
    assert (alert.student_id, alert.course_id, alert.rate) == (student.pk, course.pk, 42.0)
    assert AttendanceAlert._meta.db_table == "reports_attendancealert"
    assert "attendance_attendancealert" not in connection.introspection.table_names()
