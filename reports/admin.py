from django.contrib import admin

from attendance_system.admin import InstitutionScoped, ReadOnlyAdmin
from reports.models import AttendanceAlert


@admin.register(AttendanceAlert)
class AttendanceAlertAdmin(InstitutionScoped, ReadOnlyAdmin):
    institution_path = "student__institution"
    list_display = ["student", "reason", "course", "rate", "sent_at"]
    list_filter = ["reason", "course"]
    search_fields = ["student__email", "student__last_name"]
    list_select_related = ["student", "course"]
