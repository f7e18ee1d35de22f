from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import teacher_required
from accounts.selectors import children_of, institution_of
from attendance_system import params
from attendance_system.csvimport import ImportRejected
from attendance_system.errors import DomainError
from courses import calendar, selectors, services
from courses.forms import CancelForm, CourseForm, EnrollForm, RosterImportForm, SeriesForm, SessionForm
from courses.models import CalendarFeed


def _get_managed_course(request, pk):
    return get_object_or_404(selectors.courses_managed_by(request.user), pk=pk)


def _get_managed_session(request, pk):
    return selectors.managed_session_or_404(request.user, pk)


@login_required
def course_list(request):
    show_archived = request.GET.get("archived") == "1"
    courses = selectors.courses_with_counts(selectors.courses_visible_to(request.user).filter(archived=show_archived))
    return render(request, "courses/course_list.html", {"courses": courses, "show_archived": show_archived})


@teacher_required
def course_create(request):
    form = CourseForm(request.POST or None, institution=institution_of(request.user))
    if form.is_valid():
        course = services.course_create(teacher=request.user, **form.cleaned_data)
        messages.success(request, _("Course %(course)s created.") % {"course": course})
        return redirect("courses:course_detail", pk=course.pk)
    return render(request, "courses/course_form.html", {"form": form})


@login_required
def course_detail(request, pk):
    course = get_object_or_404(
        selectors.courses_visible_to(request.user).distinct().select_related("term__year"), pk=pk
    )
    can_manage = selectors.courses_managed_by(request.user).filter(pk=pk).exists()
    now = timezone.now()
    context = {
        "course": course,
        "can_manage": can_manage,
        "upcoming": course.sessions.filter(ends_at__gte=now),
        "past": course.sessions.filter(ends_at__lt=now).order_by("-starts_at"),
        "teachers": course.teachers.all(),
    }
    if can_manage:
        context["student_count"] = selectors.roster(course).count()
    return render(request, "courses/course_detail.html", context)


@login_required
def course_edit(request, pk):
    course = _get_managed_course(request, pk)
    form = CourseForm(request.POST or None, instance=course, institution=course.institution)
    if form.is_valid():
        services.course_update(course=course, **form.cleaned_data)
        messages.success(request, _("Course saved."))
        return redirect("courses:course_detail", pk=course.pk)
    return render(request, "courses/course_form.html", {"form": form, "course": course})


@login_required
@require_POST
def course_archive(request, pk):
    course = _get_managed_course(request, pk)
    archived = request.POST.get("archived") == "1"
    services.course_set_archived(course=course, archived=archived)
    messages.success(request, _("Course archived.") if archived else _("Course restored."))
    return redirect("courses:course_detail", pk=course.pk)


@login_required
def course_delete(request, pk):
    course = _get_managed_course(request, pk)
    if request.method == "POST":
        try:
            services.course_delete(course=course)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("courses:course_detail", pk=course.pk)
        messages.success(request, _("Course deleted."))
        return redirect("courses:course_list")
    return render(request, "courses/confirm_delete.html", {"object": course, "course": course})


@login_required
def session_create(request, pk):
    course = _get_managed_course(request, pk)
    form = SessionForm(request.POST or None, institution=course.institution)
    if form.is_valid():
        services.session_create(course=course, **form.cleaned_data)
        messages.success(request, _("Session added."))
        return redirect("courses:course_detail", pk=course.pk)
    return render(request, "courses/session_form.html", {"form": form, "course": course})


@login_required
def session_series(request, pk):
    course = _get_managed_course(request, pk)
    form = SeriesForm(request.POST or None, institution=course.institution)
    if form.is_valid():
        try:
            sessions = services.sessions_create_weekly(course=course, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(count)d sessions added.") % {"count": len(sessions)})
            return redirect("courses:course_detail", pk=course.pk)
    return render(request, "courses/session_series.html", {"form": form, "course": course})


@login_required
def session_edit(request, pk):
    session = _get_managed_session(request, pk)
    form = SessionForm(request.POST or None, instance=session, institution=session.course.institution)
    if form.is_valid():
        services.session_update(session=session, **form.cleaned_data)
        messages.success(request, _("Session saved."))
        return redirect("courses:course_detail", pk=session.course_id)
    return render(request, "courses/session_form.html", {"form": form, "course": session.course, "session": session})


@login_required
def session_delete(request, pk):
    session = _get_managed_session(request, pk)
    if request.method == "POST":
        try:
            services.session_delete(session=session)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Session deleted."))
        return redirect("courses:course_detail", pk=session.course_id)
    return render(request, "courses/confirm_delete.html", {"object": session, "course": session.course})


@login_required
def roster(request, pk):
    course = _get_managed_course(request, pk)
    form = EnrollForm(request.POST or None)
    if form.is_valid():
        try:
            enrollment = services.enrollment_add(course=course, identifier=form.cleaned_data["identifier"])
        except DomainError as error:
            form.add_error("identifier", error.message)
        else:
            messages.success(request, _("%(student)s enrolled.") % {"student": enrollment.student})
            return redirect("courses:roster", pk=course.pk)
    context = {"course": course, "form": form, "enrollments": selectors.roster(course)}
    return render(request, "courses/roster.html", context)


@login_required
def roster_import(request, pk):
    course = _get_managed_course(request, pk)
    form = RosterImportForm(request.POST or None, request.FILES or None)
    errors = []
    if form.is_valid():
        try:
            enrollments = services.enrollments_import(
                course=course, text=form.cleaned_data["text"], upload=form.cleaned_data["upload"]
            )
        except ImportRejected as rejected:
            errors = rejected.errors
        else:
            messages.success(request, _("%(count)d students enrolled.") % {"count": len(enrollments)})
            return redirect("courses:roster", pk=course.pk)
    return render(request, "courses/roster_import.html", {"course": course, "form": form, "errors": errors})


@login_required
@require_POST
def roster_remove(request, pk, student_pk):
    course = _get_managed_course(request, pk)
    enrollment = get_object_or_404(selectors.roster(course), student_id=student_pk)
    services.enrollment_remove(course=course, student=enrollment.student)
    messages.success(request, _("%(student)s removed from the course.") % {"student": enrollment.student})
    return redirect("courses:roster", pk=course.pk)


@login_required
def session_cancel(request, pk):
    session = _get_managed_session(request, pk)
    form = CancelForm(request.POST or None)
    if form.is_valid():
        try:
            services.session_cancel(session=session, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Session cancelled; students and parents were told."))
            return redirect("courses:course_detail", pk=session.course_id)
    return render(request, "courses/session_cancel.html", {"form": form, "session": session, "course": session.course})


@login_required
@require_POST
def session_restore(request, pk):
    session = _get_managed_session(request, pk)
    try:
        services.session_restore(session=session)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Session restored; students and parents were told."))
    return redirect("courses:course_detail", pk=session.course_id)


def _day(value):
    return params.day(value) or timezone.localdate()


@login_required
def calendar_view(request):
    """Month or week of one's sessions; a parent picks which child."""
    view = "week" if request.GET.get("view") == "week" else "month"
    day = _day(request.GET.get("date"))
    children = list(children_of(request.user)) if request.user.is_parent else []
    student = None
    if children:
        wanted = request.GET.get("student")
        student = next((c for c in children if str(c.pk) == wanted), children[0])
    weeks = calendar.month_grid(day) if view == "month" else calendar.week_days(day)
    start, end = calendar.window(weeks)
    sessions = selectors.calendar_sessions(request.user, student=student).filter(
        starts_at__gte=start, starts_at__lt=end
    )
    feed = calendar.feed_of(request.user)
    feed_url = request.build_absolute_uri(reverse("courses:calendar_feed", args=[feed.token])) if feed else None
    context = {
        "view": view,
        "day": day,
        "weeks": weeks,
        "sessions_by_day": calendar.by_day(sessions),
        "previous": calendar.shift(day, view, -1),
        "next": calendar.shift(day, view, 1),
        "children": children,
        "student": student,
        "feed_url": feed_url,
        "today": timezone.localdate(),
    }
    return render(request, "courses/calendar.html", context)


def calendar_feed(request, token):
    """The iCalendar feed at a secret address: no login, the token is the key."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("user__institution"), token=token, user__is_active=True
    )
    body = calendar.ical(
        selectors.feed_sessions(feed.user),
        name=_("Attendance: %(user)s") % {"user": feed.user},
        time_zone=institution_of(feed.user).time_zone,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="attendance.ics"'
    return response


@login_required
@require_POST
def calendar_feed_regenerate(request):
    """Make the user's calendar address, or a new one in place of the old."""
    replaced = calendar.feed_of(request.user) is not None
    calendar.feed_regenerate(user=request.user)
    if replaced:
        messages.success(request, _("New calendar address made; the old one no longer works."))
    else:
        messages.success(request, _("Calendar address made: add it to your calendar app."))
    return redirect("courses:calendar")
