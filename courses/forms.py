from django import forms
from django.utils.translation import gettext_lazy as _

from attendance_system import csvimport
from courses.models import ClassSession, Course
from courses.selectors import terms

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


# Where check-ins must come from (courses.limits), on the course and, to override it, on a session.
LIMITS = ["latitude", "longitude", "radius", "allowed_networks"]
LIMIT_WIDGETS = {
    "latitude": forms.NumberInput(attrs={"step": "any"}),
    "longitude": forms.NumberInput(attrs={"step": "any"}),
    "allowed_networks": forms.Textarea(attrs={"rows": 2}),
}
LIMIT_HELP = {
    "latitude": _("In decimal degrees (48.8462), as a map gives it; or use the button below, in the room."),
    "longitude": _("In decimal degrees (2.3444)."),
}


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "code",
            "title",
            "subject",
            "term",
            "description",
            "code_minutes",
            "rotate_seconds",
            "auto_validate",
            "validate_pending_on_close",
            "checkout_required",
            "checkout_minutes",
            "early_leave_counts_as",
            "risk_threshold",
            *LIMITS,
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), **LIMIT_WIDGETS}
        help_texts = LIMIT_HELP

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.instance.institution = institution
            self.initial.setdefault("code_minutes", institution.code_minutes)
            self.initial.setdefault("risk_threshold", institution.risk_threshold)
        self.fields["term"].queryset = terms(institution)

    def clean_code(self):
        # Upper-cased here so that the unique check sees the code as it will be stored.
        return self.cleaned_data["code"].strip().upper()


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SessionForm(forms.ModelForm):
    class Meta:
        model = ClassSession
        fields = [
            "starts_at",
            "ends_at",
            "room",
            "late_after_minutes",
            "location_override",
            "latitude",
            "longitude",
            "radius",
            "network_override",
            "allowed_networks",
        ]
        widgets = {"starts_at": DateTimeLocalInput(), "ends_at": DateTimeLocalInput(), **LIMIT_WIDGETS}
        help_texts = LIMIT_HELP

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial.setdefault("late_after_minutes", institution.late_after_minutes)
        # Left out of a form (a client that knows nothing of them), the checks stay as they are.
        for name in ["location_override", "network_override"]:
            self.fields[name].required = False

    def clean_location_override(self):
        return self.cleaned_data["location_override"] or self.instance.location_override

    def clean_network_override(self):
        return self.cleaned_data["network_override"] or self.instance.network_override


class SeriesForm(forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    start_time = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    first_date = forms.DateField(label=_("First date"), widget=forms.DateInput(attrs={"type": "date"}))
    last_date = forms.DateField(label=_("Last date"), widget=forms.DateInput(attrs={"type": "date"}))
    room = forms.CharField(label=_("Room"), max_length=100, required=False)
    late_after_minutes = forms.IntegerField(label=_("Late after (minutes)"), min_value=0, max_value=240)

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["late_after_minutes"].initial = institution.late_after_minutes


class EnrollForm(forms.Form):
    identifier = forms.CharField(
        label=_("Student email or number"),
        max_length=254,
        widget=forms.TextInput(attrs={"placeholder": _("student1@demo.school or S0001")}),
    )


class RosterImportForm(forms.Form):
    text = forms.CharField(
        label=_("Paste one email or student number per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    upload = forms.FileField(
        label=_("…or upload a CSV file"),
        required=False,
        help_text=_("UTF-8, one student per line in the first column; a header line is allowed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upload"].widget.attrs.update(csvimport.upload_input_attrs())

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text", "").strip() and not cleaned.get("upload"):
            raise forms.ValidationError(_("Paste some lines or choose a file."))
        return cleaned


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Students and their parents are told at once, with this reason."),
    )
