from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attendance_system.fields import ModelMultipleChoiceField
from behaviour.models import BehaviourRecord, Event, Participation, ParticipationStatus, Polarity


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StudentChoiceField(ModelMultipleChoiceField):
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

    student = forms.ModelChoiceField(label=_("Student"), queryset=None, required=False, empty_label=_("All students"))
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=None, required=False, empty_label=_("All categories")
    )
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


class ParticipationForm(forms.ModelForm):
    """How one student took part in an event, corrected after entry."""

    class Meta:
        model = Participation
        fields = ["status", "remarks"]


class EventForm(forms.ModelForm):
    """An event and, like roll call, a row per student of a course's roster: a status (or none) and remarks."""

    linked = forms.BooleanField(
        label=_("This event belongs to the course"),
        required=False,
        initial=True,
        help_text=_("Untick for a school event; the course then only gives the list of students."),
    )

    class Meta:
        model = Event
        fields = ["name", "date"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.students = students
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        for student in students:
            name = student.get_full_name() or student.email
            self.fields[f"status-{student.pk}"] = forms.ChoiceField(
                label=_("Status of %(student)s") % {"student": name},
                choices=[("", _("Not recorded")), *ParticipationStatus.choices],
                required=False,
            )
            self.fields[f"remarks-{student.pk}"] = forms.CharField(
                label=_("Remarks for %(student)s") % {"student": name}, max_length=255, required=False
            )

    def rows(self):
        for student in self.students:
            yield student, self[f"status-{student.pk}"], self[f"remarks-{student.pk}"]

    def clean(self):
        cleaned = super().clean()
        for student in self.students:
            if cleaned.get(f"remarks-{student.pk}") and not cleaned.get(f"status-{student.pk}"):
                self.add_error(f"remarks-{student.pk}", _("Choose a status for this student, or clear the remark."))
        return cleaned

    def statuses(self):
        """{student: (status, remarks)} for each student given a status."""
        return {
            student: (self.cleaned_data[f"status-{student.pk}"], self.cleaned_data[f"remarks-{student.pk}"])
            for student in self.students
            if self.cleaned_data.get(f"status-{student.pk}")
        }
