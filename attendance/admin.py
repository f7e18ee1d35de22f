from django.contrib import admin

from attendance.models import (
    AttendanceCode,
    AttendanceRecord,
    CodeLockout,
    Document,
    Justification,
    StatusChange,
)
from attendance_system.admin import InstitutionScoped, ReadOnlyAdmin


class StatusChangeInline(InstitutionScoped, admin.TabularInline):
    institution_path = "record__session__course__institution"
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["changed_at", "changed_by", "from_status", "to_status", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AttendanceRecord)
class AttendanceRecordAdmin(InstitutionScoped, ReadOnlyAdmin):
    institution_path = "session__course__institution"
    list_display = ["student", "session", "status", "method", "is_late", "submitted_at", "checked_out_at", "left_early"]
    list_filter = ["status", "method", "is_late", "session__course"]
    search_fields = ["student__email", "student__last_name", "student__student_number", "session__course__code"]
    list_select_related = ["student", "session__course"]
    autocomplete_fields = ["student", "session"]
    inlines = [StatusChangeInline]


@admin.register(AttendanceCode)
class AttendanceCodeAdmin(InstitutionScoped, ReadOnlyAdmin):
    institution_path = "session__course__institution"
    list_display = ["session", "code", "purpose", "rotate_seconds", "issued_by", "issued_at", "expires_at", "ended_at"]
    list_select_related = ["session__course", "issued_by"]
    list_filter = ["session__course"]
    exclude = ["secret"]


@admin.register(CodeLockout)
class CodeLockoutAdmin(InstitutionScoped, ReadOnlyAdmin):
    institution_path = "session__course__institution"
    list_display = ["student", "session", "failures"]
    list_select_related = ["student", "session__course"]
    search_fields = ["student__email", "student__last_name"]


@admin.register(Justification)
class JustificationAdmin(InstitutionScoped, ReadOnlyAdmin):
    institution_path = "course__institution"
    list_display = ["student", "course", "reason", "state", "created_at", "reviewed_by"]
    list_filter = ["state", "reason", "course"]
    search_fields = ["student__email", "student__last_name", "course__code"]
    list_select_related = ["student", "course", "reviewed_by"]
    filter_horizontal = ["sessions"]
    autocomplete_fields = ["student", "course"]


@admin.register(StatusChange)
class StatusChangeAdmin(InstitutionScoped, ReadOnlyAdmin):
    """The history, read-only: it records what happened."""

    institution_path = "record__session__course__institution"

    list_display = ["record", "from_status", "to_status", "changed_by", "changed_at", "reason"]
    list_filter = ["to_status"]
    search_fields = ["record__student__email", "record__student__last_name", "reason"]
    list_select_related = ["record__student", "record__session__course", "changed_by"]


@admin.register(Document)
class DocumentAdmin(InstitutionScoped, ReadOnlyAdmin):
    """Uploaded justification documents; downloaded through the justification page, which checks permission."""

    institution_path = "uploaded_by__institution"

    list_display = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["original_name", "uploaded_by__email"]
