from django import forms
from django.utils.translation import gettext_lazy as _

from attendance.models import CODE_LENGTH, Status
from attendance.services import ROLL_CALL_STATUSES


class CheckinForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=CODE_LENGTH + 4,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "form-control-lg text-uppercase font-monospace",
                "placeholder": "ABC234",
            }
        ),
    )
    via = forms.CharField(required=False, widget=forms.HiddenInput)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        error_messages={"required": _("Say why the check-in is rejected; the student will see it.")},
    )


class RollCallForm(forms.Form):
    """One status per student of the roster; a student left blank keeps their record as it is."""

    CHOICES = [(s.value, s.label) for s in Status if s in ROLL_CALL_STATUSES]

    def __init__(self, *args, students, initial_statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.students = students
        for student in students:
            self.fields[f"student-{student.pk}"] = forms.ChoiceField(
                label=str(student),
                choices=self.CHOICES,
                required=False,
                initial=initial_statuses.get(student.pk),
                widget=forms.RadioSelect,
            )

    def rows(self):
        for student in self.students:
            yield student, self[f"student-{student.pk}"]

    def statuses(self):
        return {
            student.pk: self.cleaned_data[f"student-{student.pk}"]
            for student in self.students
            if self.cleaned_data.get(f"student-{student.pk}")
        }
