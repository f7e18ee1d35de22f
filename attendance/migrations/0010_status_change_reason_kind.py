import re

from django.db import migrations, models

# The reasons the application wrote, in English, before they were stored as kinds.
WRITTEN = {
    "Check-in": "check_in",
    "Validated": "validated",
    "Roll call": "roll_call",
    "Session closed": "session_closed",
    "Check-out": "check_out",
    "Check-out with the code": "check_out_code",
    "Left early: did not check out": "left_no_check_out",
    "Left early: checked out before check-out opened": "left_too_soon",
}
APPROVED = re.compile(r"^Justification #(\d+) approved$")


def to_kinds(apps, schema_editor):
    """The application's own reasons become kinds, read in each reader's language; a person's words stay."""
    StatusChange = apps.get_model("attendance", "StatusChange")
    for text, kind in WRITTEN.items():
        StatusChange.objects.filter(reason=text).update(reason_kind=kind, reason="")
    for change in StatusChange.objects.filter(reason__startswith="Justification #").iterator():
        if match := APPROVED.match(change.reason):
            change.reason_kind, change.reason_params, change.reason = "justification", {"number": int(match[1])}, ""
            change.save(update_fields=["reason_kind", "reason_params", "reason"])


def to_words(apps, schema_editor):
    StatusChange = apps.get_model("attendance", "StatusChange")
    for text, kind in WRITTEN.items():
        StatusChange.objects.filter(reason_kind=kind).update(reason=text)
    for change in StatusChange.objects.filter(reason_kind="justification").iterator():
        change.reason = f"Justification #{change.reason_params.get('number', 0)} approved"
        change.save(update_fields=["reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0009_merge_checkout_and_location"),
    ]

    operations = [
        migrations.AddField(
            model_name="statuschange",
            name="reason_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("check_in", "Check-in"),
                    ("validated", "Validated"),
                    ("roll_call", "Roll call"),
                    ("session_closed", "Session closed"),
                    ("check_out", "Check-out"),
                    ("check_out_code", "Check-out with the code"),
                    ("left_no_check_out", "Left early: did not check out"),
                    ("left_too_soon", "Left early: checked out before check-out opened"),
                    ("justification", "Justification approved"),
                ],
                max_length=20,
                verbose_name="why (kind)",
            ),
        ),
        migrations.AddField(
            model_name="statuschange",
            name="reason_params",
            field=models.JSONField(blank=True, default=dict, verbose_name="why (parameters)"),
        ),
        migrations.RunPython(to_kinds, to_words),
    ]
