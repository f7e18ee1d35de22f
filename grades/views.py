from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.permissions import teacher_required
from accounts.selectors import children_of, children_visible_to, institution_of
from attendance_system import spreadsheets
from attendance_system.csvimport import ImportRejected
from attendance_system.errors import DomainError
from courses import selectors as course_selectors
from grades import exports, selectors, services
from grades.forms import AssessmentForm, GradingSettingsForm, ScoreGridForm, ScoreUploadForm


def _term_filter(request):
    """The term asked for in `?term=` (the current one when none is, none for `all`), and the choices."""
    institution = institution_of(request.user)
    term = course_selectors.term_or_current(request.GET.get("term"), institution)
    return term, {"term": term, "terms": course_selectors.terms(institution), "term_chosen": "term" in request.GET}


@login_required
def gradebook(request, pk):
    course = selectors.managed_course_or_404(request.user, pk)
    term, filters = _term_filter(request)
    context = {
        "course": course,
        "book": selectors.gradebook(course, term=term),
        "trends": selectors.course_trends(course, term=term),
        **filters,
    }
    return render(request, "grades/gradebook.html", context)


@login_required
def gradebook_export(request, pk, file_format):
    """The gradebook of the term asked for (`?term=`, the current one by default) as CSV or Excel."""
    course = selectors.managed_course_or_404(request.user, pk)
    term, _filters = _term_filter(request)
    rows = exports.gradebook_rows(course, term=term)
    return spreadsheets.response(request, rows, f"{slugify(course.code)}-grades", file_format)


@login_required
def assessment_create(request, pk):
    course = selectors.managed_course_or_404(request.user, pk)
    form = AssessmentForm(request.POST or None)
    if form.is_valid():
        try:
            assessment = services.assessment_create(course=course, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Assessment added: enter its scores."))
            return redirect("grades:score_entry", pk=assessment.pk)
    return render(request, "grades/assessment_form.html", {"form": form, "course": course})


@login_required
def assessment_edit(request, pk):
    assessment = selectors.managed_assessment_or_404(request.user, pk)
    form = AssessmentForm(request.POST or None, instance=assessment)
    if form.is_valid():
        try:
            services.assessment_update(assessment=assessment, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Assessment saved."))
            return redirect("grades:score_entry", pk=assessment.pk)
    context = {"form": form, "course": assessment.course, "assessment": assessment}
    return render(request, "grades/assessment_form.html", context)


@login_required
def assessment_delete(request, pk):
    assessment = selectors.managed_assessment_or_404(request.user, pk)
    if request.method == "POST":
        try:
            services.assessment_delete(assessment=assessment)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("grades:score_entry", pk=assessment.pk)
        messages.success(request, _("Assessment deleted."))
        return redirect("grades:gradebook", pk=assessment.course_id)
    context = {"assessment": assessment, "course": assessment.course}
    return render(request, "grades/assessment_delete.html", context)


@login_required
def score_entry(request, pk):
    """The grid of one assessment's scores, a cell per student, saved all at once or not at all."""
    assessment = selectors.managed_assessment_or_404(request.user, pk)
    students = list(course_selectors.students_of(assessment.course).order_by("last_name", "first_name", "pk"))
    cells = selectors.score_cells(assessment, students)
    form = ScoreGridForm(request.POST or None, assessment=assessment, students=students, initial_cells=cells)
    if form.is_valid():
        try:
            count = services.scores_save(assessment=assessment, by=request.user, entries=form.entries)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, ngettext("%(count)d score changed.", "%(count)d scores changed.", count) % {"count": count}
            )
            return redirect("grades:score_entry", pk=assessment.pk)
    context = {
        "assessment": assessment,
        "course": assessment.course,
        "form": form,
        "stats": selectors.assessment_stats(assessment, cells.values()),
        "history": selectors.score_history(assessment)[:50],
    }
    return render(request, "grades/score_entry.html", context)


@login_required
def score_upload(request, pk):
    assessment = selectors.managed_assessment_or_404(request.user, pk)
    form = ScoreUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if form.is_valid():
        try:
            count = services.scores_import(
                assessment=assessment,
                by=request.user,
                text=form.cleaned_data["text"],
                upload=form.cleaned_data["upload"],
            )
        except ImportRejected as rejected:
            errors = rejected.errors
        else:
            messages.success(
                request, ngettext("%(count)d score changed.", "%(count)d scores changed.", count) % {"count": count}
            )
            return redirect("grades:score_entry", pk=assessment.pk)
    context = {"assessment": assessment, "course": assessment.course, "form": form, "errors": errors}
    return render(request, "grades/score_upload.html", context)


@login_required
@require_POST
def assessment_release(request, pk):
    assessment = selectors.managed_assessment_or_404(request.user, pk)
    services.assessment_release(assessment=assessment)
    messages.success(request, _("Scores released: students and parents were told."))
    return redirect("grades:score_entry", pk=assessment.pk)


@login_required
def grading_settings(request, pk):
    course = selectors.managed_course_or_404(request.user, pk)
    form = GradingSettingsForm(request.POST or None, instance=selectors.grading_settings_of(course))
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.grading_settings_save(course=course, **fields)
        messages.success(request, _("Grading settings saved."))
        return redirect("grades:gradebook", pk=course.pk)
    return render(request, "grades/grading_settings.html", {"form": form, "course": course})


@teacher_required
def subjects(request):
    """Mean scores per subject (by type, by month) over the courses the user manages."""
    term, filters = _term_filter(request)
    courses = course_selectors.courses_managed_by(request.user)
    return render(request, "grades/subjects.html", {"trends": selectors.subject_trends(courses, term=term), **filters})


@login_required
def my_grades(request):
    """A student's released scores; a parent's list of children, each with a link to their grades."""
    if request.user.is_parent:
        return render(request, "grades/children.html", {"children": children_of(request.user)})
    if not request.user.is_student:
        raise PermissionDenied
    return _released_page(request, request.user)


@login_required
def child_grades(request, pk):
    child = get_object_or_404(children_visible_to(request.user), pk=pk)
    return _released_page(request, child)


def _released_page(request, student):
    term, filters = _term_filter(request)
    context = {"child": student, "courses": selectors.released_grades(student, term=term), **filters}
    return render(request, "grades/_released.html" if request.htmx else "grades/released.html", context)
