from django.contrib import admin

from attendance_system.admin import InstitutionScoped
from grades.models import Assessment, GradingSettings, Score, ScoreChange


class ReadOnlyAdmin(admin.ModelAdmin):
    """Scores and their history are written in the app, through the service that records every change."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScoreInline(InstitutionScoped, admin.TabularInline):
    institution_path = "assessment__course__institution"
    model = Score
    fields = ["student", "value", "marker", "updated_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(InstitutionScoped, ReadOnlyAdmin):
    institution_path = "course__institution"
    list_display = ["title", "course", "type", "date", "max_score", "weight", "term", "release", "release_on"]
    list_filter = ["type", "release", "term", "course"]
    search_fields = ["title", "course__code"]
    list_select_related = ["course", "term__year"]
    inlines = [ScoreInline]


@admin.register(Score)
class ScoreAdmin(InstitutionScoped, ReadOnlyAdmin):
    institution_path = "assessment__course__institution"
    list_display = ["student", "assessment", "value", "marker", "updated_at"]
    list_filter = ["marker", "assessment__course"]
    list_select_related = ["student", "assessment"]
    search_fields = ["student__email", "student__student_number", "assessment__title"]


@admin.register(ScoreChange)
class ScoreChangeAdmin(InstitutionScoped, ReadOnlyAdmin):
    institution_path = "score__assessment__course__institution"
    list_display = ["score", "old_text", "new_text", "by", "at"]
    list_select_related = ["score__student", "score__assessment", "by"]
    search_fields = ["score__student__email", "score__assessment__title"]


@admin.register(GradingSettings)
class GradingSettingsAdmin(InstitutionScoped, ReadOnlyAdmin):
    institution_path = "course__institution"
    list_display = ["course", "missing_counts_as_zero", "a_from", "b_from", "c_from", "d_from"]
    list_select_related = ["course"]
