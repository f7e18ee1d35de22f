from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import ClassSession, Course

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "code",
            "title",
            "description",
            "code_minutes",
            "rotate_seconds",
            "auto_validate",
            "validate_pending_on_close",
            "risk_threshold",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

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
        fields = ["starts_at", "ends_at", "room", "late_after_minutes"]
        widgets = {"starts_at": DateTimeLocalInput(), "ends_at": DateTimeLocalInput()}

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("A session must end after it starts."))
        return cleaned


class SeriesForm(forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    start_time = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    first_date = forms.DateField(label=_("First date"), widget=forms.DateInput(attrs={"type": "date"}))
    last_date = forms.DateField(label=_("Last date"), widget=forms.DateInput(attrs={"type": "date"}))
    room = forms.CharField(label=_("Room"), max_length=100, required=False)
    late_after_minutes = forms.IntegerField(label=_("Late after (minutes)"), min_value=0, max_value=240, initial=10)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("A session must end after it starts."))
        first, last = cleaned.get("first_date"), cleaned.get("last_date")
        if first and last and last < first:
            self.add_error("last_date", _("The last date must not be before the first date."))
        return cleaned


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
