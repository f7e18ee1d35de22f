from django import forms
from django.utils.translation import gettext_lazy as _

from attendance_system.errors import DomainError
from grades.models import Assessment, GradingSettings
from grades.services import parse_score


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["title", "type", "date", "max_score", "weight", "term", "release", "release_on"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "release_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"term": _("Left empty: the course's term, or the current one.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = self.fields["term"].queryset.select_related("year")


class ScoreGridForm(forms.Form):
    """One cell per student: a number, EX, M or nothing; each cell checked on its own, so every bad cell shows
    its message at once."""

    def __init__(self, *args, assessment, students, initial_cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.students = students
        for student in students:
            cell = initial_cells.get(student.pk)
            self.fields[f"score-{student.pk}"] = forms.CharField(
                label=str(student), required=False, max_length=20, initial=cell.text if cell else ""
            )

    def rows(self):
        for student in self.students:
            yield student, self[f"score-{student.pk}"]

    def clean(self):
        """`entries`: the cells the teacher changed. A cell left as it was when the page was loaded (its
        `was-<id>`), or absent (a student enrolled since), is not saved: saving a grid opened before a colleague
        changed a score does not undo the colleague's change."""
        cleaned = super().clean()
        self.entries = {}
        for student in self.students:
            name = f"score-{student.pk}"
            was = self.data.get(f"was-{student.pk}")
            if name not in cleaned or name not in self.data or (was is not None and cleaned[name] == was.strip()):
                continue
            try:
                self.entries[student] = parse_score(cleaned[name], max_score=self.assessment.max_score)
            except DomainError as error:
                self.add_error(name, error.message)
        return cleaned


class ScoreUploadForm(forms.Form):
    text = forms.CharField(
        label=_("Paste lines: student_number,score"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "S0001,17.5\nS0002,EX\nS0003,M"}),
    )
    upload = forms.FileField(
        label=_("…or upload a CSV file"),
        required=False,
        help_text=_("UTF-8, one student per line: student_number,score (a number, EX or M); a header is allowed."),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text", "").strip() and not cleaned.get("upload"):
            raise forms.ValidationError(_("Paste some lines or choose a file."))
        return cleaned


class GradingSettingsForm(forms.ModelForm):
    class Meta:
        model = GradingSettings
        fields = ["missing_counts_as_zero", "a_from", "b_from", "c_from", "d_from"]
