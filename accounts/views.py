from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts import services
from accounts.forms import ContactFormSet, ProfileForm, StudentRegistrationForm
from accounts.selectors import children_visible_to
from notifications import live


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if form.is_valid():
        services.profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


def register(request):
    if not settings.ALLOW_STUDENT_REGISTRATION:
        raise Http404
    if request.user.is_authenticated:
        return redirect("home")
    form = StudentRegistrationForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        user = services.student_register(
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            student_number=data["student_number"],
            password=data["password1"],
        )
        login(request, user)
        messages.success(request, _("Welcome! Your student account is ready."))
        return redirect("home")
    return render(request, "accounts/register.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=self.request.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=self.user)
        return response


class LoginView(auth_views.LoginView):
    def form_valid(self, form):
        """A language picked with the login page's switch becomes the user's, if they had none: their
        notifications, emails and live updates then follow it too."""
        picked = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        services.language_adopt(user=form.get_user(), language=picked)
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    """Logging out ends the user's live sockets too: an open page would otherwise keep receiving until closed."""

    def post(self, request, *args, **kwargs):
        user_id = request.user.pk
        response = super().post(request, *args, **kwargs)
        if user_id is not None:
            live.close_sockets(user_id)
        return response


@login_required
def contacts_edit(request, pk):
    """A student's guardians and emergency contacts, kept by their parents and administrators."""
    student = get_object_or_404(children_visible_to(request.user), pk=pk)
    formset = ContactFormSet(request.POST or None, instance=student, prefix="contacts")
    if request.method == "POST" and formset.is_valid():
        saved = formset.save(commit=False)
        services.contacts_update(student=student, saved=saved, deleted=formset.deleted_objects)
        messages.success(request, _("The contacts of %(student)s were saved.") % {"student": student})
        return redirect("reports:student_profile", student.pk)
    return render(request, "accounts/contacts_edit.html", {"student": student, "formset": formset})
