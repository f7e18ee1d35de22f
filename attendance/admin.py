from django.contrib import admin

from attendance.models import (
    AttendanceAlert,
    AttendanceCode,
    AttendanceRecord,
    CodeLockout,
    Document,
    Justification,
    StatusChange,
)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["changed_at", "changed_by", "from_status", "to_status", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AttendanceRecord)
class AttendanceRecordAdmin(admin.ModelAdmin):
    list_display = ["student", "session", "status", "method", "is_late", "submitted_at"]
    list_filter = ["status", "method", "is_late", "session__course"]
    search_fields = ["student__email", "student__last_name", "student__student_number", "session__course__code"]
    list_select_related = ["student", "session__course"]
    autocomplete_fields = ["student", "session"]
    # Status changes go through the app, which keeps their history; admin shows them.
    readonly_fields = ["status", "submitted_at", "updated_at", "ip_address", "browser_marker", "note"]
    inlines = [StatusChangeInline]


@admin.register(AttendanceCode)
class AttendanceCodeAdmin(admin.ModelAdmin):
    list_display = ["session", "code", "rotate_seconds", "issued_by", "issued_at", "expires_at", "ended_at"]
    list_select_related = ["session__course", "issued_by"]
    list_filter = ["session__course"]
    exclude = ["secret"]


@admin.register(CodeLockout)
class CodeLockoutAdmin(admin.ModelAdmin):
    list_display = ["student", "session", "failures"]
    list_select_related = ["student", "session__course"]
    search_fields = ["student__email", "student__last_name"]


@admin.register(Justification)
class JustificationAdmin(admin.ModelAdmin):
    list_display = ["student", "course", "reason", "state", "created_at", "reviewed_by"]
    list_filter = ["state", "reason", "course"]
    search_fields = ["student__email", "student__last_name", "course__code"]
    list_select_related = ["student", "course", "reviewed_by"]
    # Decisions change records and notify families: they are made in the app.
    readonly_fields = ["state", "reviewed_by", "reviewed_at", "review_comment", "document"]
    filter_horizontal = ["sessions"]
    autocomplete_fields = ["student", "course"]


@admin.register(AttendanceAlert)
class AttendanceAlertAdmin(admin.ModelAdmin):
    list_display = ["student", "course", "rate", "sent_at"]
    list_filter = ["course"]
    search_fields = ["student__email", "student__last_name"]
    list_select_related = ["student", "course"]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    """The history, read-only: it records what happened."""

    list_display = ["record", "from_status", "to_status", "changed_by", "changed_at", "reason"]
    list_filter = ["to_status"]
    search_fields = ["record__student__email", "record__student__last_name", "reason"]
    list_select_related = ["record__student", "record__session__course", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Uploaded justification documents; downloaded through the justification page, which checks permission."""

    list_display = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["original_name", "uploaded_by__email"]
    readonly_fields = ["file", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request):
        return False
