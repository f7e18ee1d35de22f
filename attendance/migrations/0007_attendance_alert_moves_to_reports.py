from django.db import migrations


class Migration(migrations.Migration):
    """AttendanceAlert now belongs to the reports app (reports.0001 takes over its table and rows)."""

    dependencies = [
        ("attendance", "0006_attendance_alerts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="AttendanceAlert")]),
    ]
