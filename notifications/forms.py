from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Kind


class PreferencesForm(forms.Form):
    email_kinds = forms.TypedMultipleChoiceField(
        label=_("Also send me an email for"),
        choices=Kind.choices,
        coerce=Kind,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every notification appears in the app; ticked kinds are emailed too."),
    )
