from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the app writes with their rules (history, notices, pushes): admin shows them and changes nothing.
    Statuses change by roll call or review, lockouts are cleared on the live page, justifications are decided
    on their page, alerts are sent by their command: all open to administrators in the app."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
