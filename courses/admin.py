from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from courses.models import CalendarFeed, ClassSession, Course, Enrollment


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    autocomplete_fields = ["student"]


class ClassSessionInline(admin.TabularInline):
    model = ClassSession
    extra = 0
    fields = ["starts_at", "ends_at", "room", "state", "late_after_minutes"]
    # Opening, closing and cancelling have rules (and notify people): they are done in the app.
    readonly_fields = ["state"]
    show_change_link = True


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "teacher_names", "archived", "created_at"]
    list_filter = ["archived", "teachers"]
    search_fields = ["code", "title", "teachers__email", "teachers__last_name"]
    filter_horizontal = ["teachers"]
    inlines = [EnrollmentInline, ClassSessionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("teachers")

    @admin.display(description=_("teachers"))
    def teacher_names(self, course):
        return ", ".join(str(t) for t in course.teachers.all())


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["student", "course", "active", "enrolled_on"]
    list_filter = ["active", "course"]
    search_fields = ["student__email", "student__last_name", "student__student_number", "course__code"]
    autocomplete_fields = ["student", "course"]
    list_select_related = ["student", "course"]


@admin.register(ClassSession)
class ClassSessionAdmin(admin.ModelAdmin):
    list_display = ["course", "starts_at", "ends_at", "room", "state"]
    list_filter = ["state", "course"]
    search_fields = ["course__code", "course__title", "room"]
    date_hierarchy = "starts_at"
    list_select_related = ["course"]
    autocomplete_fields = ["course"]
    readonly_fields = ["state", "cancel_reason"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    readonly_fields = ["token"]
    autocomplete_fields = ["user"]
