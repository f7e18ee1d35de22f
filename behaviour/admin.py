from django.contrib import admin

from attendance_system.admin import InstitutionScoped
from behaviour.models import BehaviourRecord, Category, EscalationLevel, Event, Participation


@admin.register(Category)
class CategoryAdmin(InstitutionScoped, admin.ModelAdmin):
    institution_path = "institution"
    list_display = ["name", "use", "active"]
    list_filter = ["use", "active"]
    search_fields = ["name"]


@admin.register(BehaviourRecord)
class BehaviourRecordAdmin(InstitutionScoped, admin.ModelAdmin):
    """Read-only here: records are written by teachers in the app, where the rules (and escalation) run."""

    institution_path = "course__institution"

    list_display = ["date", "student", "course", "category", "polarity", "author"]
    list_filter = ["polarity", "category", "course"]
    search_fields = ["student__email", "student__last_name", "student__student_number", "note"]
    list_select_related = ["student", "course", "category", "author"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EscalationLevel)
class EscalationLevelAdmin(InstitutionScoped, admin.ModelAdmin):
    """Read-only: a level is recorded when it is reached, and its row is what keeps the notice from repeating."""

    institution_path = "student__institution"

    list_display = ["reached_at", "student", "level", "records_counted", "course"]
    list_filter = ["level"]
    search_fields = ["student__email", "student__last_name", "student__student_number"]
    list_select_related = ["student", "course"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ParticipationInline(InstitutionScoped, admin.TabularInline):
    institution_path = "student__institution"
    model = Participation
    extra = 0
    fields = ["student", "status", "remarks"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(InstitutionScoped, admin.ModelAdmin):
    """Read-only here: events are recorded by teachers in the app, where the roster is checked."""

    institution_path = "created_by__institution"

    list_display = ["date", "name", "course", "created_by"]
    list_filter = ["course"]
    search_fields = ["name"]
    date_hierarchy = "date"
    list_select_related = ["course", "created_by"]
    inlines = [ParticipationInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
