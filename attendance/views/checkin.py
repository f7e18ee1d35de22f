"""A student's check-in page: the code box, the check-in from the projector's QR, and the Check out button."""

import logging
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attendance import selectors, services
from attendance.forms import CheckinForm, PositionForm
from attendance.models import Method
from attendance_system.addresses import client_address
from attendance_system.errors import DomainError
from courses.selectors import open_sessions_of_student, sessions_of_student

logger = logging.getLogger(__name__)
DEVICE_COOKIE = "attendance_device"


@login_required
def checkin(request):
    """A student types a code (or arrives from the projector's QR with it filled in). With htmx, a GET is the
    check-in card alone (to reload it) and a POST answers with the code box."""
    if not request.user.is_student:
        raise PermissionDenied
    form = CheckinForm(
        request.POST or None, initial={"code": request.GET.get("code", ""), "via": request.GET.get("via", "")}
    )
    record, locked = None, False
    # Made before the first check-in of a browser, so that its very first one is marked too.
    marker = request.COOKIES.get(DEVICE_COOKIE) or secrets.token_urlsafe(16)
    if form.is_valid():
        try:
            record = services.code_submit(
                student=request.user,
                typed=form.cleaned_data["code"],
                method=Method.QR if form.cleaned_data["via"] == "qr" else Method.CODE,
                address=client_address(request),
                marker=marker,
                position=form.cleaned_data["position"],
            )
        except services.CodeEntryLocked:
            locked = True
        except DomainError as error:
            form.add_error("code", error.message)
        except DatabaseError:
            # The database refused the write (read-only, full, failing over): nothing was recorded, and the
            # student must know it rather than leave believing they are checked in.
            logger.exception("Check-in of student %s could not be stored", request.user.pk)
            form.add_error("code", _("Could not record your check-in. Try again."))
    context = {"form": form, "record": record, "locked": locked, "locked_message": services.LOCKED_MESSAGE}
    if request.htmx and request.method == "POST":
        context["locate"] = (
            record is None and not locked and selectors.any_place(open_sessions_of_student(request.user))
        )
        response = render(request, "attendance/checkin.html#checkin-box", context)
    else:
        context |= selectors.checkin_card(request.user)
        template = "attendance/checkin.html#checkin-card" if request.htmx else "attendance/checkin.html"
        response = render(request, template, context)
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


@login_required
@require_POST
def checkout(request, pk):
    """The Check out button of a session of the student's; with htmx, the answer is their status in it."""
    if not request.user.is_student:
        raise PermissionDenied
    session = get_object_or_404(sessions_of_student(request.user).select_related("course"), pk=pk)
    form = PositionForm(request.POST)
    error, record = " ".join(form.non_field_errors()) if not form.is_valid() else None, None
    if not error:
        try:
            record = services.check_out_with_button(
                session=session,
                student=request.user,
                address=client_address(request),
                position=form.cleaned_data["position"],
            )
        except DomainError as refusal:
            error = refusal.message
        except DatabaseError:
            logger.exception("Check-out of student %s could not be stored", request.user.pk)
            error = _("Could not record your check-out. Try again.")
    if record is None:
        record = selectors.record_of(session, request.user)
    if request.htmx:
        return render(request, "attendance/checkin.html#status", {"session": session, "record": record, "error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Check-out received."))
    return redirect("attendance:checkin")
