from django import forms
from django.core.validators import RegexValidator
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from attendance import uploads
from attendance.models import CODE_LENGTH, Reason, Status
from attendance.services import ROLL_CALL_STATUSES
from attendance.services.integrity import Position
from attendance_system.fields import ModelMultipleChoiceField


class PositionForm(forms.Form):
    """Where the browser says it is, filled in by static/js/checkin.js when a session checks where the student is
    (a form marked data-locate): `position` in the cleaned data, None when it said nothing."""

    latitude = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    accuracy = forms.FloatField(required=False, min_value=0, widget=forms.HiddenInput)

    POSITION = ["latitude", "longitude", "accuracy"]
    # The field whose error says that the position cannot be read (None: the form's own errors).
    position_error_field = None

    def clean(self):
        cleaned = super().clean()
        values = [cleaned.get(name) for name in self.POSITION]
        cleaned["position"] = None if values == [None] * 3 else Position(*values)
        if any(name in self.errors for name in self.POSITION) or (cleaned["position"] and None in values):
            self.add_error(
                self.position_error_field,
                _("Your browser sent a position that cannot be read. Reload the page and try again."),
            )
        return cleaned


class CheckinForm(PositionForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=CODE_LENGTH + 4,
        validators=[RegexValidator(r"^[A-Za-z0-9 ]*$", _("A code has only letters and digits, as shown."))],
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
    position_error_field = "code"
    field_order = ["code", "via", *PositionForm.POSITION]


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


class SessionChoiceField(ModelMultipleChoiceField):
    """Sessions named with what happened there (`status` annotated by selectors.sessions_to_justify)."""

    def label_from_instance(self, session):
        if session.missed:
            outcome = _("missed")
        elif not session.has_ended:
            outcome = _("upcoming")
        else:
            outcome = Status(session.status).label.lower() if session.status else _("no record")
        return f"{session.label} · {outcome}"


class JustificationForm(forms.Form):
    sessions = SessionChoiceField(
        label=_("Sessions missed"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    first_date = forms.DateField(
        label=_("…or every session from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    last_date = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.ChoiceField(label=_("Reason"), choices=Reason.choices)
    explanation = forms.CharField(label=_("Explanation"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.FileField(
        label=_("Document (optional)"),
        required=False,
        help_text=lazy(uploads.document_help_text, str)(),
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].queryset = sessions
        self.fields["document"].widget.attrs.update(uploads.document_input_attrs())

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_date"), cleaned.get("last_date")
        chosen = list(cleaned.get("sessions") or [])
        if first or last:
            if not (first and last):
                raise forms.ValidationError(_("Give both dates of the range."))
            if last < first:
                self.add_error("last_date", _("The last date must not be before the first date."))
                return cleaned
            in_range = self.fields["sessions"].queryset.filter(starts_at__date__gte=first, starts_at__date__lte=last)
            chosen = list({session.pk: session for session in [*chosen, *in_range]}.values())
            if not in_range.exists():
                self.add_error("last_date", _("None of the student's sessions falls in that range."))
        if not chosen and not self.errors:
            raise forms.ValidationError(_("Choose at least one session, or a date range."))
        cleaned["chosen_sessions"] = chosen
        return cleaned


class DenyForm(forms.Form):
    comment = forms.CharField(
        label=_("Why is it denied?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the justification is denied; the student and parents will read it.")},
    )
