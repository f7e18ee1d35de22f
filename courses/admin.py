import itertools

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from attendance_system.admin import InstitutionScoped
from attendance_system.errors import DomainError
from courses import services
from courses.models import AcademicYear, CalendarFeed, ClassSession, Course, Enrollment, Term


def _save_session(session):
    """Every session written in admin goes through the service that checks it."""
    return services.session_update(
        session=session,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        room=session.room,
        late_after_minutes=session.late_after_minutes,
    )


class EnrollmentInline(InstitutionScoped, admin.TabularInline):
    institution_path = "course__institution"
    model = Enrollment
    extra = 0
    autocomplete_fields = ["student"]


class ClassSessionInline(InstitutionScoped, admin.TabularInline):
    institution_path = "course__institution"
    model = ClassSession
    extra = 0
    fields = ["starts_at", "ends_at", "room", "state", "late_after_minutes"]
    # Opening, closing and cancelling have rules (and notify people): they are done in the app.
    readonly_fields = ["state"]
    show_change_link = True


@admin.register(Course)
class CourseAdmin(InstitutionScoped, admin.ModelAdmin):
    institution_path = "institution"
    list_display = ["code", "title", "subject", "term", "teacher_names", "archived", "created_at"]
    list_filter = ["archived", "term", "teachers"]
    search_fields = ["code", "title", "teachers__email", "teachers__last_name"]
    filter_horizontal = ["teachers"]
    inlines = [EnrollmentInline, ClassSessionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("term__year").prefetch_related("teachers")

    def save_model(self, request, obj, form, change):
        services.course_update(course=obj, code=obj.code, title=obj.title)

    def save_related(self, request, form, formsets, change):
        # The teachers go through the service (a teacher taken off loses their sockets), not the form's save.
        teachers = form.cleaned_data.pop("teachers")
        super().save_related(request, form, formsets, change)
        services.course_set_teachers(course=form.instance, teachers=teachers)

    def save_formset(self, request, form, formset, change):
        if formset.model is ClassSession:
            _save_inline(request, formset, _save_session, lambda s: services.session_delete(session=s))
        else:
            _save_inline(
                request,
                formset,
                lambda e: services.enrollment_save(enrollment=e),
                lambda e: services.enrollment_delete(enrollment=e),
            )

    @admin.display(description=_("teachers"))
    def teacher_names(self, course):
        return ", ".join(str(t) for t in course.teachers.all())


def _save_inline(request, formset, save, delete):
    for instance in formset.save(commit=False):
        save(instance)
    for instance in formset.deleted_objects:
        try:
            delete(instance)
        except DomainError as error:
            messages.error(request, error.message)


@admin.register(Enrollment)
class EnrollmentAdmin(InstitutionScoped, admin.ModelAdmin):
    institution_path = "course__institution"
    list_display = ["student", "course", "active", "enrolled_on"]
    list_filter = ["active", "course"]
    search_fields = ["student__email", "student__last_name", "student__student_number", "course__code"]
    autocomplete_fields = ["student", "course"]
    list_select_related = ["student", "course"]

    def save_model(self, request, obj, form, change):
        services.enrollment_save(enrollment=obj)

    def delete_model(self, request, obj):
        services.enrollment_delete(enrollment=obj)

    def delete_queryset(self, request, queryset):
        for enrollment in queryset:
            services.enrollment_delete(enrollment=enrollment)


@admin.register(ClassSession)
class ClassSessionAdmin(InstitutionScoped, admin.ModelAdmin):
    institution_path = "course__institution"
    list_display = ["course", "starts_at", "ends_at", "room", "state"]
    list_filter = ["state", "course"]
    search_fields = ["course__code", "course__title", "room"]
    date_hierarchy = "starts_at"
    list_select_related = ["course"]
    autocomplete_fields = ["course"]
    readonly_fields = ["state", "cancel_reason"]

    def save_model(self, request, obj, form, change):
        _save_session(obj)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(InstitutionScoped, admin.ModelAdmin):
    institution_path = "user__institution"
    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    readonly_fields = ["token"]
    autocomplete_fields = ["user"]


class TermInlineFormSet(BaseInlineFormSet):
    """The terms of a year as one form submits them: each inside the year, no two overlapping (a term's own
    check compares it with the terms already saved, not with its neighbours on the same form)."""

    def clean(self):
        super().clean()
        kept = [
            form.instance
            for form in self.forms
            if form.cleaned_data.get("starts_on")
            and form.cleaned_data.get("ends_on")
            and not self._should_delete_form(form)
        ]
        for term in kept:
            term.check_inside(self.instance)
        kept.sort(key=lambda term: term.starts_on)
        for before, after in itertools.pairwise(kept):
            if before.overlaps(after):
                raise ValidationError(_("%(a)s and %(b)s overlap.") % {"a": before.name, "b": after.name})


class TermInline(InstitutionScoped, admin.TabularInline):
    institution_path = "year__institution"
    model = Term
    formset = TermInlineFormSet
    extra = 0
    fields = ["name", "starts_on", "ends_on"]


@admin.register(AcademicYear)
class AcademicYearAdmin(InstitutionScoped, admin.ModelAdmin):
    institution_path = "institution"
    list_display = ["name", "starts_on", "ends_on"]
    search_fields = ["name"]
    inlines = [TermInline]

    def save_model(self, request, obj, form, change):
        services.academic_year_save(year=obj)

    def save_formset(self, request, form, formset, change):
        _save_inline(request, formset, lambda t: services.term_save(term=t), lambda t: services.term_delete(term=t))


@admin.register(Term)
class TermAdmin(InstitutionScoped, admin.ModelAdmin):
    institution_path = "year__institution"
    list_display = ["name", "year", "starts_on", "ends_on"]
    list_filter = ["year"]
    list_select_related = ["year"]

    def save_model(self, request, obj, form, change):
        services.term_save(term=obj)
