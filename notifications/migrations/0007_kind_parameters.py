from django.db import migrations, models


def keep_the_words(apps, schema_editor):
    """Notifications written before kinds had parameters keep their words (notifications.texts.written)."""
    Notification = apps.get_model("notifications", "Notification")
    for notification in Notification.objects.only("pk", "title", "body").iterator():
        notification.params = {"title": notification.title, "body": notification.body}
        notification.save(update_fields=["params"])


def back_to_words(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for notification in Notification.objects.only("pk", "params").iterator():
        notification.title = notification.params.get("title", "")[:200]
        notification.body = notification.params.get("body", "")
        notification.save(update_fields=["title", "body"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0006_progress_alert_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="parameters"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="title",
            field=models.CharField(blank=True, max_length=200, verbose_name="title"),
        ),
        migrations.RunPython(keep_the_words, back_to_words),
        migrations.RemoveField(model_name="notification", name="body"),
        migrations.RemoveField(model_name="notification", name="title"),
    ]
