from django.contrib import admin

from attendance.models import AttendanceRecord


@admin.register(AttendanceRecord)
class AttendanceRecordAdmin(admin.ModelAdmin):
    list_display = ["student", "session", "status", "method", "submitted_at"]
    list_filter = ["status", "method", "session__course"]
    search_fields = ["student__email", "student__last_name", "student__student_number", "session__course__code"]
    list_select_related = ["student", "session__course"]
    autocomplete_fields = ["student", "session"]
