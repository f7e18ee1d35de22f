"""Form fields shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError

from attendance_system.params import MAX_ID


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, with an id the database cannot hold refused as an invalid choice before any query: SQLite raises
    OverflowError on an integer past 64 bits (a 500), where PostgreSQL finds nothing."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue  # Django's own check refuses what is not a number
            if abs(number) > MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)
