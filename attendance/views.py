import json
import secrets
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import children_of, children_visible_to, role_counts
from attendance import reports, selectors, services
from attendance.forms import CheckinForm, RejectForm, RollCallForm
from attendance.models import AttendanceRecord, Method
from attendance_system.errors import DomainError
from courses import selectors as course_selectors
from courses.models import ClassSession, Course


def _teacher_dashboard(user):
    managed = course_selectors.courses_managed_by(user).filter(archived=False)
    return {
        "courses": course_selectors.courses_with_counts(managed),
        "today": course_selectors.sessions_on_day(
            course_selectors.sessions_managed_by(user).filter(course__archived=False), timezone.localdate()
        ),
    }


def _student_dashboard(user):
    open_sessions = course_selectors.open_sessions_of_student(user)
    return {
        "courses": course_selectors.courses_visible_to(user).filter(archived=False).prefetch_related("teachers"),
        "upcoming": course_selectors.upcoming_sessions_of_student(user),
        "open_sessions": open_sessions,
        "open_records": AttendanceRecord.objects.filter(student=user, session__in=open_sessions).select_related(
            "session__course"
        ),
        "form": CheckinForm(),
    }


def _parent_dashboard(user):
    children = list(children_of(user))
    for child in children:
        child.upcoming = course_selectors.upcoming_sessions_of_student(child, limit=3)
    return {"children": children}


def _admin_dashboard(user):
    today = course_selectors.sessions_on_day(ClassSession.objects.all(), timezone.localdate())
    overview = reports.institution_overview()
    return {
        "role_counts": role_counts(),
        "course_count": Course.objects.filter(archived=False).count(),
        "today": selectors.with_live_counts(today),
        "lowest": overview[:5],
        "at_risk_count": len(set().union(*(entry["at_risk_students"] for entry in overview))),
        "chart_data": {"weekly": [[week.isoformat(), rate] for week, rate in reports.weekly_trend()]},
    }


DASHBOARDS = {
    "admin": ("attendance/dashboard_admin.html", _admin_dashboard),
    "teacher": ("attendance/dashboard_teacher.html", _teacher_dashboard),
    "student": ("attendance/dashboard_student.html", _student_dashboard),
    "parent": ("attendance/dashboard_parent.html", _parent_dashboard),
}


@login_required
def home(request):
    """Each role lands on its own dashboard."""
    role = "admin" if request.user.is_admin else request.user.role
    template, build = DASHBOARDS[role]
    if request.htmx and role == "student" and request.GET.get("fragment") == "checkin":
        # The check-in card alone: after a session opens or closes, or the page's socket reconnects.
        template += "#checkin-card"
    elif request.htmx and role == "admin" and request.GET.get("fragment") == "today":
        # Today's sessions alone, polled to keep their check-in counts live.
        template += "#today"
    return render(request, template, build(request.user))


@login_required
def child_detail(request, pk):
    child = get_object_or_404(children_visible_to(request.user), pk=pk)
    context = {
        "child": child,
        "courses": course_selectors.courses_visible_to(child).prefetch_related("teachers"),
        "upcoming": course_selectors.upcoming_sessions_of_student(child, limit=20),
    }
    return render(request, "attendance/child_detail.html", context)


def _get_managed_session(request, pk):
    return course_selectors.managed_session_or_404(request.user, pk)


def _get_managed_record(request, pk):
    sessions = course_selectors.sessions_managed_by(request.user)
    return get_object_or_404(
        AttendanceRecord.objects.select_related("session__course", "student"), pk=pk, session__in=sessions
    )


def _live_context(session):
    code = selectors.live_code(session)
    return {
        "session": session,
        "code": code,
        "records": selectors.records_for_live(session),
        "counters": selectors.counters(session),
        "locked": selectors.locked_students(session),
    }


@login_required
def session_live(request, pk):
    """The teacher's live dashboard; with htmx, only its body (used to re-sync after a reconnect)."""
    session = _get_managed_session(request, pk)
    template = "attendance/session_live.html#live-body" if request.htmx else "attendance/session_live.html"
    return render(request, template, _live_context(session))


def _after_action(request, session, error=None):
    """htmx callers get the refreshed live body (and an error as a toast); others go back to the page."""
    if request.htmx:
        response = render(request, "attendance/session_live.html#live-body", _live_context(session))
        if error:
            response["HX-Trigger"] = json.dumps({"showError": str(error)})
        return response
    if error:
        messages.error(request, error)
    return redirect("attendance:session_live", pk=session.pk)


def _act(request, live_session, action, **kwargs):
    """Run one service for the live page of `live_session`, and answer with the page or the refusal."""
    try:
        action(**kwargs)
    except DomainError as error:
        return _after_action(request, live_session, error.message)
    return _after_action(request, live_session)


@login_required
@require_POST
def session_open(request, pk):
    session = _get_managed_session(request, pk)
    return _act(request, session, services.session_open, session=session, by=request.user)


@login_required
@require_POST
def code_new(request, pk):
    session = _get_managed_session(request, pk)
    return _act(request, session, services.code_issue, session=session, by=request.user)


@login_required
@require_POST
def session_close(request, pk):
    session = _get_managed_session(request, pk)
    return _act(request, session, services.session_close, session=session, by=request.user)


@login_required
@require_POST
def validate_all(request, pk):
    session = _get_managed_session(request, pk)
    return _act(request, session, services.records_validate_pending, session=session, by=request.user)


@login_required
@require_POST
def record_validate(request, pk):
    record = _get_managed_record(request, pk)
    return _act(request, record.session, services.record_validate, record=record, by=request.user)


@login_required
@require_POST
def record_reject(request, pk):
    record = _get_managed_record(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _after_action(request, record.session, " ".join(form.errors["reason"]))
    reason = form.cleaned_data["reason"]
    return _act(request, record.session, services.record_reject, record=record, by=request.user, reason=reason)


@login_required
def record_detail(request, pk):
    """A record and its history, for the teachers of the course."""
    record = _get_managed_record(request, pk)
    changes = record.changes.select_related("changed_by")
    return render(request, "attendance/record_detail.html", {"record": record, "changes": changes})


@login_required
@require_POST
def lockout_clear(request, pk, student_pk):
    session = _get_managed_session(request, pk)
    lockout = get_object_or_404(selectors.locked_students(session), student_id=student_pk)
    services.lockout_clear(session=session, student=lockout.student)
    if not request.htmx:
        messages.success(request, _("%(student)s can enter a code again.") % {"student": lockout.student})
    return _after_action(request, session)


@login_required
def roll_call(request, pk):
    session = _get_managed_session(request, pk)
    students = list(course_selectors.students_of(session.course).order_by("last_name", "first_name"))
    current = dict(AttendanceRecord.objects.filter(session=session).values_list("student_id", "status"))
    form = RollCallForm(request.POST or None, students=students, initial_statuses=current)
    if form.is_valid():
        try:
            count = services.roll_call_save(session=session, by=request.user, statuses=form.statuses())
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Roll call saved (%(count)d changed).") % {"count": count})
            return redirect("attendance:session_live", pk=session.pk)
    return render(request, "attendance/roll_call.html", {"session": session, "form": form, "current": current})


@login_required
def projector(request, pk):
    """Full-screen code and QR for a projector; with htmx, only the part that changes."""
    session = _get_managed_session(request, pk)
    code = selectors.live_code(session)
    context = {"session": session, "code": code}
    if code:
        shown, changes_at = services.code_shown(code)
        link = request.build_absolute_uri(f"{reverse('attendance:checkin')}?{urlencode({'code': shown, 'via': 'qr'})}")
        seconds_left = max(int((changes_at - timezone.now()).total_seconds()), 0)
        context |= {
            "shown": shown,
            "changes_at": changes_at,
            "qr": segno.make(link, error="m").svg_inline(omitsize=True, dark="#000", light="#fff"),
            # Refresh when the code turns, and at least every 5 s to follow a new code or a closed session.
            "refresh": min(seconds_left + 1, 5),
        }
    template = "attendance/projector.html#projection" if request.htmx else "attendance/projector.html"
    return render(request, template, context)


DEVICE_COOKIE = "attendance_device"


@login_required
def checkin(request):
    """A student types a code (or arrives from the projector's QR with it filled in)."""
    if not request.user.is_student:
        raise PermissionDenied
    form = CheckinForm(
        request.POST or None, initial={"code": request.GET.get("code", ""), "via": request.GET.get("via", "")}
    )
    record = None
    # Made before the first check-in of a browser, so that its very first one is marked too.
    marker = request.COOKIES.get(DEVICE_COOKIE) or secrets.token_urlsafe(16)
    if form.is_valid():
        try:
            record = services.code_submit(
                student=request.user,
                typed=form.cleaned_data["code"],
                method=Method.QR if form.cleaned_data["via"] == "qr" else Method.CODE,
                address=request.META.get("REMOTE_ADDR"),
                marker=marker,
            )
        except DomainError as error:
            form.add_error("code", error.message)
    template = "attendance/checkin.html#checkin-box" if request.htmx else "attendance/checkin.html"
    response = render(request, template, {"form": form, "record": record})
    if DEVICE_COOKIE not in request.COOKIES:
        # Marks this browser, to flag one phone checking in several students.
        response.set_cookie(
            DEVICE_COOKIE,
            marker,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response
