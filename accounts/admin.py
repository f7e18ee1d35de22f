from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.forms import AdminLoginForm, AdminPasswordForm, InstitutionCreateForm, UserImportForm
from accounts.models import Contact, Institution, LockKind, LoginLock, ParentLink, User
from accounts.selectors import institution_of, unused_accounts, users_of
from accounts.services import (
    USER_CSV_COLUMNS,
    contacts_update,
    institution_create,
    login_unlock,
    parent_link_add,
    parent_links_delete,
    user_save,
    users_deactivate,
    users_delete,
    users_import_csv,
)
from attendance_system.admin import InstitutionScoped
from attendance_system.csvimport import ImportRejected
from attendance_system.errors import DomainError

# Django admin's own login page is throttled like the app's.
admin.site.login_form = AdminLoginForm


class RefusalsAsMessages:
    """A service's refusal during a save (e.g. a second parent linked by someone else since the form was
    checked) undoes the whole save and comes back as an error message on the same page, not as a 500."""

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except DomainError as refused:
            self.message_user(request, refused.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ChildLinkInline(InstitutionScoped, admin.TabularInline):
    """A parent's children. Links are added (through the service, by UserAdmin.save_formset) or deleted,
    never edited: changing a row's child would bypass the two-parents rule."""

    institution_path = "parent__institution"

    model = ParentLink
    fk_name = "parent"
    extra = 0
    autocomplete_fields = ["child"]
    verbose_name = gettext_lazy("child")
    verbose_name_plural = gettext_lazy("children (for parents)")

    def has_change_permission(self, request, obj=None):
        return False


class ContactInline(InstitutionScoped, admin.TabularInline):
    """A student's guardians and emergency contacts, saved through the service (UserAdmin.save_formset)."""

    institution_path = "student__institution"

    model = Contact
    fk_name = "student"
    extra = 0
    fields = ["name", "relation", "phone", "email", "is_emergency_contact", "position"]


class UnusedFilter(admin.SimpleListFilter):
    """Accounts nobody has logged in to for their institution's "accounts unused after (days)"."""

    title = gettext_lazy("use")
    parameter_name = "unused"

    def lookups(self, request, model_admin):
        return [("yes", gettext_lazy("Not used for a long time"))]

    def queryset(self, request, queryset):
        return unused_accounts(queryset) if self.value() == "yes" else queryset


@admin.register(User)
class UserAdmin(InstitutionScoped, RefusalsAsMessages, BaseUserAdmin):
    institution_path = "institution"
    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "role", "student_number", "is_active", "last_login"]
    list_filter = [UnusedFilter, "role", "is_active", "is_staff"]
    actions = ["deactivate"]
    search_fields = ["email", "first_name", "last_name", "student_number"]
    inlines = [ChildLinkInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (gettext_lazy("Person"), {"fields": ["first_name", "last_name", "role", "student_number"]}),
        (
            gettext_lazy("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (gettext_lazy("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "first_name", "last_name", "role", "student_number", "password1", "password2"],
            },
        )
    ]
    change_list_template = "admin/accounts/user/change_list.html"
    change_password_form = AdminPasswordForm

    def get_queryset(self, request):
        # A platform administrator's account (password, rights, activity) is kept by platform administrators only.
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(is_superuser=False)

    def save_model(self, request, obj, form, change):
        user_save(user=obj)

    def delete_model(self, request, obj):
        users_delete(users=[obj])

    def delete_queryset(self, request, queryset):
        users_delete(users=queryset)

    @admin.action(description=gettext_lazy("Deactivate the selected accounts"), permissions=["change"])
    def deactivate(self, request, queryset):
        count = users_deactivate(users=queryset.exclude(pk=request.user.pk))
        message = ngettext("%(count)d account deactivated.", "%(count)d accounts deactivated.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    def get_inlines(self, request, obj):
        return [ChildLinkInline, ContactInline] if obj and obj.is_student else [ChildLinkInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is Contact:
            saved = formset.save(commit=False)
            contacts_update(student=form.instance, saved=saved, deleted=formset.deleted_objects)
            return None
        if formset.model is not ParentLink:
            return super().save_formset(request, form, formset, change)
        # Only new links come back: existing ones are read-only (ChildLinkInline).
        for link in formset.save(commit=False):
            parent_link_add(parent=link.parent, child=link.child)
        parent_links_delete(links=formset.deleted_objects)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_csv), name="accounts_user_import"),
            *super().get_urls(),
        ]

    def import_csv(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = UserImportForm(request.POST or None, request.FILES or None)
        errors = []
        if form.is_valid():
            try:
                users = users_import_csv(institution=institution_of(request.user), upload=form.cleaned_data["upload"])
            except ImportRejected as rejected:
                errors = rejected.errors
            else:
                self.message_user(request, _("%(count)d users imported.") % {"count": len(users)}, messages.SUCCESS)
                return redirect("admin:accounts_user_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "errors": errors,
            "columns": ",".join(USER_CSV_COLUMNS),
            "title": _("Import users from CSV"),
        }
        return TemplateResponse(request, "admin/accounts/user/import.html", context)


@admin.register(ParentLink)
class ParentLinkAdmin(InstitutionScoped, RefusalsAsMessages, admin.ModelAdmin):
    """Links are added through the service (under its lock on the child) or deleted, never edited."""

    institution_path = "parent__institution"

    list_display = ["parent", "child"]
    search_fields = ["parent__email", "parent__last_name", "child__email", "child__last_name"]
    autocomplete_fields = ["parent", "child"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The admin logs and redirects to the saved row: give the form's instance its primary key.
        obj.pk = parent_link_add(parent=obj.parent, child=obj.child).pk

    def delete_model(self, request, obj):
        parent_links_delete(links=[obj])

    def delete_queryset(self, request, queryset):
        parent_links_delete(links=queryset)


@admin.register(LoginLock)
class LoginLockAdmin(admin.ModelAdmin):
    """Accounts and network addresses locked out of logging in; "Unlock" lets them in again at once."""

    def get_queryset(self, request):
        """An institution's administrators see the locks of their own people's accounts; locks of network
        addresses (shared by everyone behind them) and of unknown emails are the platform administrators'."""
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        emails = users_of(institution_of(request.user)).values("email")
        return queryset.filter(kind=LockKind.ACCOUNT, value__in=emails)

    list_display = ["value", "kind", "in_force", "until", "locked_at"]
    list_filter = ["kind"]
    search_fields = ["value"]
    actions = ["unlock"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        # "Unlock" is the deletion that also forgets the count of attempts.
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request, obj):
        login_unlock(kind=obj.kind, value=obj.value)

    @admin.display(description=gettext_lazy("in force"), boolean=True)
    def in_force(self, lock):
        return lock.until > timezone.now()

    @admin.action(description=gettext_lazy("Unlock the selected accounts and addresses"), permissions=["delete"])
    def unlock(self, request, queryset):
        locks = list(queryset)
        for lock in locks:
            login_unlock(kind=lock.kind, value=lock.value)
        message = ngettext("%(count)d lock lifted.", "%(count)d locks lifted.", len(locks))
        self.message_user(request, message % {"count": len(locks)}, messages.SUCCESS)


@admin.register(Contact)
class ContactAdmin(InstitutionScoped, RefusalsAsMessages, admin.ModelAdmin):
    """Every student's guardians and emergency contacts, to search them; each is saved through the service."""

    institution_path = "student__institution"

    list_display = ["name", "relation", "student", "phone", "email", "is_emergency_contact"]
    list_filter = ["is_emergency_contact"]
    search_fields = ["name", "phone", "email", "student__first_name", "student__last_name", "student__student_number"]
    list_select_related = ["student"]
    autocomplete_fields = ["student"]

    def save_model(self, request, obj, form, change):
        contacts_update(student=obj.student, saved=[obj])

    def delete_model(self, request, obj):
        contacts_update(student=obj.student, deleted=[obj])

    def delete_queryset(self, request, queryset):
        for contact in queryset.select_related("student"):
            contacts_update(student=contact.student, deleted=[contact])


@admin.register(Institution)
class InstitutionAdmin(RefusalsAsMessages, admin.ModelAdmin):
    """Platform administrators (superusers) create institutions, each with its first administrator, and see them
    all; an institution's administrators see and change their own institution's settings only."""

    list_display = ["name", "short_name", "time_zone", "language", "people", "created_at"]
    search_fields = ["name", "short_name"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "time_zone", "language"]}),
        (gettext_lazy("Attendance"), {"fields": ["code_minutes", "late_after_minutes", "risk_threshold"]}),
        (
            gettext_lazy("Behaviour"),
            {"fields": ["escalation_count", "escalation_days", "parents_see_negative", "parents_see_negative_from"]},
        ),
        (
            gettext_lazy("Progress"),
            {"fields": ["high_performer_min_average", "high_performer_min_attendance", "low_performance_below"]},
        ),
        (gettext_lazy("Accounts"), {"fields": ["unused_account_days"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["name", "short_name", "time_zone", "language"]}),
        (gettext_lazy("First administrator"), {"fields": ["admin_email", "admin_first_name", "admin_last_name"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(user_count=Count("users"))
        return queryset if request.user.is_superuser else queryset.filter(pk=request.user.institution_id)

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = InstitutionCreateForm
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            obj.full_clean()
            obj.save()
            return
        data = form.cleaned_data
        institution_create(
            institution=obj,
            admin_email=data["admin_email"],
            admin_first_name=data["admin_first_name"],
            admin_last_name=data["admin_last_name"],
        )

    @admin.display(description=gettext_lazy("people"), ordering="user_count")
    def people(self, institution):
        return institution.user_count
