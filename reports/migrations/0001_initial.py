import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Takes over attendance's AttendanceAlert as it is (table, index and rows); 0002 renames the table."""

    initial = True

    dependencies = [
        ("attendance", "0006_attendance_alerts"),
        ("courses", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AttendanceAlert",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("rate", models.FloatField(verbose_name="rate (%)")),
                        ("sent_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="sent at")),
                        ("course", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="courses.course", verbose_name="course")),
                        ("student", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="student")),
                    ],
                    options={
                        "verbose_name": "attendance alert",
                        "verbose_name_plural": "attendance alerts",
                        "ordering": ["-sent_at"],
                        "db_table": "attendance_attendancealert",
                        "indexes": [
                            models.Index(fields=["student", "course", "-sent_at"], name="attendance__student_e767b3_idx")
                        ],
                    },
                ),
            ],
        ),
    ]
