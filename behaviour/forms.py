from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from behaviour.models import BehaviourRecord, Polarity


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StudentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, student):
        return f"{student.get_full_name() or student.email} ({student.student_number or '—'})"


class RecordEditForm(forms.ModelForm):
    class Meta:
        model = BehaviourRecord
        fields = ["category", "polarity", "date", "note"]
        widgets = {
            "polarity": forms.RadioSelect,
            "date": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["category"].empty_label = None
        self.fields["polarity"].choices = Polarity.choices
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()


class RecordForm(RecordEditForm):
    """One record for several students of a course at once (a tick per student of the roster)."""

    students = StudentChoiceField(label=_("Students"), queryset=None, widget=forms.CheckboxSelectMultiple)

    class Meta(RecordEditForm.Meta):
        fields = ["students", *RecordEditForm.Meta.fields]

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].queryset = students


class RecordFilterForm(forms.Form):
    """The filters of a course's records; a bad value is reported beside its field and ignored."""

    student = forms.ModelChoiceField(label=_("Student"), queryset=None, required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False)
    polarity = forms.ChoiceField(label=_("Positive or negative"), required=False)
    first = forms.DateField(label=_("From"), required=False, widget=DateInput())
    last = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, students, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students
        self.fields["category"].queryset = categories
        self.fields["polarity"].choices = [("", _("Both")), *Polarity.choices]

    def filters(self):
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


class PeriodForm(forms.Form):
    """A period of dates, both ends included; by default the escalation window that ends today."""

    first = forms.DateField(label=_("From"), widget=DateInput())
    last = forms.DateField(label=_("To"), widget=DateInput())

    def __init__(self, data=None, *, default_first, **kwargs):
        self.default = {"first": default_first, "last": timezone.localdate()}
        super().__init__(data or None, initial=self.default, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("first") and cleaned.get("last") and cleaned["first"] > cleaned["last"]:
            self.add_error("last", _("The end of the period must not be before its start."))
        return cleaned

    def period(self):
        """(first, last): the dates asked for when they are good, the default otherwise."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["first"], self.cleaned_data["last"]
        return self.default["first"], self.default["last"]
