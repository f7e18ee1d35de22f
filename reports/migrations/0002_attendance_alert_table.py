from django.db import migrations


def content_type_follows(apps, schema_editor):
    """Permissions and admin history of the moved model keep pointing at it."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="reports", model="attendancealert").exists():
        ContentType.objects.filter(app_label="attendance", model="attendancealert").update(app_label="reports")


def content_type_goes_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="reports", model="attendancealert").update(app_label="attendance")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RenameIndex(
            model_name="attendancealert",
            new_name="reports_att_student_ebd7ae_idx",
            old_name="attendance__student_e767b3_idx",
        ),
        migrations.AlterModelTable(name="attendancealert", table=None),
        migrations.RunPython(content_type_follows, content_type_goes_back),
    ]
