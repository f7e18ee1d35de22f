"""Pages for absence justifications: submitting, the review queue, deciding, the document."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.selectors import children_of
from attendance import selectors, services
from attendance.forms import DenyForm, JustificationForm
from attendance.models import JustificationState
from attendance_system import params
from attendance_system.errors import DomainError


def _get_visible(request, pk):
    return get_object_or_404(selectors.justifications_visible_to(request.user), pk=pk)


def _get_reviewable(request, pk):
    return get_object_or_404(selectors.justifications_reviewable_by(request.user), pk=pk)


@login_required
def justification_list(request):
    visible = selectors.justifications_visible_to(request.user)
    context = {
        "pending": visible.filter(state=JustificationState.PENDING),
        "decided": visible.exclude(state=JustificationState.PENDING)[:50],
        "children": children_of(request.user) if request.user.is_parent else [],
    }
    return render(request, "attendance/justification_list.html", context)


def _student_for(request):
    """Whom a new justification is for: the student themself, or a child of the parent asking."""
    if request.user.is_student:
        return request.user
    if request.user.is_parent:
        return get_object_or_404(children_of(request.user), pk=params.id_or_404(request.GET.get("student")))
    raise PermissionDenied


@login_required
def justification_new(request):
    student = _student_for(request)
    form = JustificationForm(
        request.POST or None, request.FILES or None, sessions=selectors.sessions_to_justify(student)
    )
    if form.is_valid():
        try:
            created = services.justification_submit(
                student=student,
                submitted_by=request.user,
                sessions=form.cleaned_data["chosen_sessions"],
                reason=form.cleaned_data["reason"],
                explanation=form.cleaned_data["explanation"],
                upload=form.cleaned_data["document"],
            )
        except DomainError as error:
            form.add_error("document" if form.cleaned_data["document"] else None, error.message)
        else:
            count = len(created)
            messages.success(
                request,
                ngettext(
                    "Justification sent to the teachers (%(count)d course).",
                    "Justification sent to the teachers (%(count)d courses).",
                    count,
                )
                % {"count": count},
            )
            return redirect("attendance:justification_list")
    return render(request, "attendance/justification_form.html", {"form": form, "student": student})


@login_required
def justification_detail(request, pk):
    justification = _get_visible(request, pk)
    sessions = list(justification.sessions.select_related("course").order_by("starts_at"))
    statuses = selectors.statuses_of_student(justification.student, sessions)
    for session in sessions:
        session.student_status = statuses.get(session.pk)
    context = {
        "justification": justification,
        "sessions": sessions,
        "can_review": selectors.justifications_reviewable_by(request.user).filter(pk=pk).exists(),
        "can_withdraw": justification.submitted_by_id == request.user.pk,
        "deny_form": DenyForm(),
    }
    return render(request, "attendance/justification_detail.html", context)


def _decide(request, pk, action, done, **kwargs):
    """Run one service on a justification and go back to its page with what came of it."""
    try:
        action(**kwargs)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("attendance:justification_detail", pk=pk)


@login_required
@require_POST
def justification_approve(request, pk):
    justification = _get_reviewable(request, pk)
    return _decide(
        request,
        pk,
        services.justification_approve,
        _("Approved: the sessions are excused."),
        justification=justification,
        by=request.user,
    )


@login_required
@require_POST
def justification_deny(request, pk):
    justification = _get_reviewable(request, pk)
    form = DenyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["comment"]))
        return redirect("attendance:justification_detail", pk=pk)
    return _decide(
        request,
        pk,
        services.justification_deny,
        _("Denied; the student and parents were told why."),
        justification=justification,
        by=request.user,
        comment=form.cleaned_data["comment"],
    )


@login_required
@require_POST
def justification_withdraw(request, pk):
    justification = _get_visible(request, pk)
    return _decide(
        request,
        pk,
        services.justification_withdraw,
        _("Justification withdrawn."),
        justification=justification,
        by=request.user,
    )


@login_required
def justification_document(request, pk):
    """The attached document, to the people who may see the justification; images may be shown inline."""
    justification = _get_visible(request, pk)
    document = justification.document
    if document is None:
        raise Http404
    inline = request.GET.get("inline") == "1" and document.is_image
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=not inline,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
