"""The teacher's side of a session: the live page and its actions, roll call, the projector, a record."""

from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from attendance import live, selectors, services
from attendance.forms import RejectForm, RollCallForm
from attendance.models import Purpose
from attendance_system.errors import DomainError
from courses import selectors as course_selectors


def _get_managed_session(request, pk):
    return course_selectors.managed_session_or_404(request.user, pk)


def _get_managed_record(request, pk):
    return selectors.managed_record_or_404(request.user, pk)


def _live_context(session):
    return {
        **live.code_panel_context(session, selectors.live_code(session)),
        **live.counters_context(session, oob=False),
        "records": selectors.records_for_live(session),
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
            trigger_client_event(response, "showError", str(error))
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
    """A new code: for checking in, or (purpose=check_out) the check-out code shown at the end."""
    session = _get_managed_session(request, pk)
    purpose = request.POST.get("purpose", Purpose.CHECK_IN)
    if purpose not in Purpose.values:
        return _after_action(request, session, _("Choose a check-in or a check-out code."))
    return _act(request, session, services.code_issue, session=session, by=request.user, purpose=purpose)


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
    current = selectors.statuses_by_student(session)
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
