from django.contrib import admin

from attendance_system.admin import InstitutionScoped, ReadOnlyAdmin
from notifications.models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(InstitutionScoped, ReadOnlyAdmin):
    """Notifications are sent by `notify` (stored, pushed live, emailed): admin only shows them."""

    institution_path = "user__institution"

    list_display = ["user", "kind", "title", "created_at", "read_at", "email_status", "email_attempts"]
    list_filter = ["email_status", "kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


@admin.register(Preference)
class PreferenceAdmin(InstitutionScoped, admin.ModelAdmin):
    institution_path = "user__institution"
    list_display = ["user", "kind", "by_email"]
    list_filter = ["kind", "by_email"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]
