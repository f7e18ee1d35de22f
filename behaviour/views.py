from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.permissions import teacher_required
from accounts.selectors import institution_of
from attendance_system.errors import DomainError
from behaviour import selectors, services
from behaviour.forms import EventForm, ParticipationForm, PeriodForm, RecordEditForm, RecordFilterForm, RecordForm
from behaviour.models import ParticipationStatus
from courses import selectors as course_selectors

PAGE_SIZE = 50


def _get_managed_course(request, pk):
    return get_object_or_404(course_selectors.courses_managed_by(request.user), pk=pk)


def _get_editable_record(request, pk):
    return get_object_or_404(selectors.records_editable_by(request.user), pk=pk)


FAMILY_PERIOD_DAYS = 365


def _students(course):
    return course_selectors.students_of(course).order_by("last_name", "first_name")


@login_required
def course_records(request, pk):
    course = _get_managed_course(request, pk)
    form = RecordFilterForm(
        request.GET or None, students=_students(course), categories=selectors.all_categories(course.institution)
    )
    records = selectors.filter_records(
        selectors.records_visible_to(request.user).filter(course=course), **form.filters()
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    params = urlencode([(key, value) for key, value in request.GET.items() if key != "page"])
    editable = selectors.editable_ids(request.user, page)
    context = {"course": course, "form": form, "page": page, "params": params, "editable": editable}
    return render(request, "behaviour/course_records.html", context)


def _save(form, action):
    """Run `action`; a rule it refuses is shown beside the field it concerns (or above the form)."""
    try:
        return action()
    except ValidationError as error:
        form.add_error(None, error)
    except DomainError as error:
        form.add_error(None, error.message)
    return None


@login_required
def record_create(request, pk):
    course = _get_managed_course(request, pk)
    form = RecordForm(
        request.POST or None, students=_students(course), categories=selectors.active_categories(course.institution)
    )
    if form.is_valid():
        records = _save(form, lambda: services.records_create(author=request.user, course=course, **form.cleaned_data))
        if records is not None:
            count = len(records)
            message = ngettext(
                "Behaviour recorded for %(count)d student.", "Behaviour recorded for %(count)d students.", count
            )
            messages.success(request, message % {"count": count})
            return redirect("behaviour:course_records", pk=course.pk)
    return render(request, "behaviour/record_form.html", {"form": form, "course": course})


@login_required
def record_edit(request, pk):
    record = _get_editable_record(request, pk)
    categories = selectors.active_categories(record.course.institution, including=record.category_id)
    form = RecordEditForm(request.POST or None, instance=record, categories=categories)
    if form.is_valid() and _save(
        form, lambda: services.record_update(record=record, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("Record saved."))
        return redirect("behaviour:course_records", pk=record.course_id)
    return render(request, "behaviour/record_form.html", {"form": form, "course": record.course, "record": record})


@login_required
def record_delete(request, pk):
    record = _get_editable_record(request, pk)
    if request.method == "POST":
        services.record_delete(record=record, by=request.user)
        messages.success(request, _("Record deleted."))
        return redirect("behaviour:course_records", pk=record.course_id)
    return render(request, "behaviour/record_delete.html", {"record": record, "course": record.course})


@teacher_required
def pattern_report(request):
    """Students with at least the institution's escalation count of negative records in a period: a teacher's
    courses, or all the institution's for an administrator."""
    institution = institution_of(request.user)
    form = PeriodForm(request.GET, default_first=selectors.escalation_window_start(institution))
    first, last = form.period()
    at_least = institution.escalation_count
    patterns, categories = selectors.negative_patterns(
        selectors.records_visible_to(request.user), institution=institution, first=first, last=last, at_least=at_least
    )
    rows = [(pattern, pattern.counts(categories)) for pattern in patterns]
    context = {"form": form, "rows": rows, "categories": categories, "at_least": at_least, "first": first, "last": last}
    return render(request, "behaviour/pattern_report.html", context)


@teacher_required
def event_list(request):
    page = Paginator(selectors.events_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    courses = course_selectors.courses_managed_by(request.user).filter(archived=False)
    context = {
        "page": page,
        "events": selectors.events_with_counts(page),
        "courses": courses,
        "statuses": list(ParticipationStatus),
    }
    return render(request, "behaviour/event_list.html", context)


@login_required
def event_create(request, pk):
    course = _get_managed_course(request, pk)
    form = EventForm(request.POST or None, students=list(_students(course)))
    if form.is_valid():
        event = _save(
            form,
            lambda: services.event_record(
                by=request.user,
                course=course,
                name=form.cleaned_data["name"],
                date=form.cleaned_data["date"],
                linked=form.cleaned_data["linked"],
                statuses=form.statuses(),
            ),
        )
        if event is not None:
            messages.success(request, _("Participation in %(event)s saved.") % {"event": event.name})
            return redirect("behaviour:event_detail", pk=event.pk)
    return render(request, "behaviour/event_form.html", {"form": form, "course": course})


@login_required
def event_detail(request, pk):
    event = get_object_or_404(selectors.events_visible_to(request.user), pk=pk)
    context = {"event": event, "participations": selectors.participations_of_event(event)}
    return render(request, "behaviour/event_detail.html", context)


def _get_editable_participation(request, pk):
    return get_object_or_404(selectors.participations_editable_by(request.user), pk=pk)


@login_required
def participation_edit(request, pk):
    participation = _get_editable_participation(request, pk)
    form = ParticipationForm(request.POST or None, instance=participation)
    if form.is_valid() and _save(
        form, lambda: services.participation_update(participation=participation, by=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("Participation of %(student)s saved.") % {"student": participation.student})
        return redirect("behaviour:event_detail", pk=participation.event_id)
    return render(request, "behaviour/participation_form.html", {"form": form, "participation": participation})


@login_required
def participation_delete(request, pk):
    participation = _get_editable_participation(request, pk)
    if request.method == "POST":
        services.participation_delete(participation=participation, by=request.user)
        messages.success(request, _("%(student)s was taken out of the event.") % {"student": participation.student})
        return redirect("behaviour:event_detail", pk=participation.event_id)
    return render(request, "behaviour/participation_delete.html", {"participation": participation})


@login_required
def overview(request):
    """Where "Behaviour" in the menu leads: a student to their own page, a parent to their children, a teacher and
    an administrator to their courses, events and the pattern report."""
    user = request.user
    if user.is_student:
        return redirect("behaviour:student_detail", pk=user.pk)
    context = {
        "children": selectors.students_visible_to(user) if user.is_parent else [],
        "courses": course_selectors.courses_managed_by(user).filter(archived=False),
    }
    return render(request, "behaviour/overview.html", context)


@login_required
def student_detail(request, pk):
    """A student's behaviour balance, records and participation in a period, as the user may see them."""
    student = get_object_or_404(selectors.students_visible_to(request.user), pk=pk)
    today = timezone.localdate()
    form = PeriodForm(request.GET, default_first=today - timedelta(days=FAMILY_PERIOD_DAYS - 1))
    first, last = form.period()
    records = selectors.filter_records(
        selectors.records_visible_to(request.user).filter(student=student), first=first, last=last
    )
    context = {
        "student": student,
        "form": form,
        "first": first,
        "last": last,
        "balance": selectors.behaviour_balance(student, viewer=request.user, first=first, last=last),
        "records": records,
        "participations": selectors.participation_of(student, viewer=request.user, first=first, last=last),
        # The default period follows live; one chosen stays as it was asked for.
        "follows_live": not request.GET,
    }
    template = "behaviour/student_detail.html#region" if request.htmx else "behaviour/student_detail.html"
    return render(request, template, context)
