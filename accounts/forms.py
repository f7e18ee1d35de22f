from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AuthenticationForm,
    BaseUserCreationForm,
    PasswordResetForm,
)
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts import selectors, services
from accounts.models import Contact, Institution, User
from attendance_system.addresses import client_address
from attendance_system.errors import DomainError


class ThrottledLogin:
    """A login form that refuses while the account or the network address is locked, and counts failures
    (the rules are `accounts.services.login_begin` and `login_failed`)."""

    def clean(self):
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not (email and password):
            return super().clean()
        address = (client_address(self.request) or "") if self.request else ""
        try:
            services.login_begin(email=email, address=address)
        except DomainError as refused:
            raise ValidationError(refused.message, code="locked")
        try:
            cleaned = super().clean()
        except ValidationError:
            services.login_failed(email=email, address=address)
            raise
        services.login_succeeded(email=email)
        return cleaned


class LoginForm(ThrottledLogin, AuthenticationForm):
    username = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True}))


class AdminLoginForm(ThrottledLogin, AdminAuthenticationForm):
    """Django admin's login page, under the same limits as the app's."""


class AdminPasswordForm(AdminPasswordChangeForm):
    """An administrator setting a user's password in Django admin: what follows a new password follows."""

    def save(self, commit=True):
        user = super().save(commit)
        services.password_changed(user=user)
        return user


class ProfileForm(forms.ModelForm):
    language = forms.ChoiceField(
        label=_("Language"), required=False, help_text=_("Of your pages, notifications and emails.")
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        default = dict(selectors.language_choices())[selectors.default_language(self.instance)]
        self.fields["language"].choices = [
            ("", _("The institution's (%(language)s)") % {"language": default}),
            *selectors.language_choices(),
        ]


class StudentRegistrationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "student_number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "student_number"):
            self.fields[name].required = True

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email already exists."))
        return email


class UserImportForm(forms.Form):
    upload = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 with the header email,first_name,last_name,role,student_number."),
    )


class ResetForm(PasswordResetForm):
    def get_users(self, email):
        """Active accounts with this email, including those an import made without a password: "Forgot your
        password?" is how they choose their first one."""
        return User.objects.filter(email__iexact=email, is_active=True)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        """In the account's own language, whatever the language of the page that asked."""
        with translation.override(selectors.language_of(context["user"])):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "relation", "phone", "email", "is_emergency_contact", "position"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})}


# A student's contacts, edited on one page: a row per contact and a blank one to add, each with a box to delete.
ContactFormSet = forms.inlineformset_factory(
    User, Contact, form=ContactForm, fk_name="student", extra=1, can_delete=True, max_num=10, validate_max=True
)


class InstitutionCreateForm(forms.ModelForm):
    """A new institution and who administers it first (Django admin, platform administrators)."""

    admin_email = forms.EmailField(label=_("Administrator's email"))
    admin_first_name = forms.CharField(label=_("Administrator's first name"), max_length=150)
    admin_last_name = forms.CharField(label=_("Administrator's last name"), max_length=150)

    class Meta:
        model = Institution
        fields = ["name", "short_name", "time_zone", "language"]

    def clean_admin_email(self):
        email = self.cleaned_data["admin_email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account already has this email address."))
        return email
