from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notifications import selectors, services
from notifications.forms import PreferencesForm
from notifications.models import Kind, Notification


@login_required
def notification_list(request):
    kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else None
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.notifications_of(request.user, kind=kind, unread_only=unread_only), 20).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "kind": kind, "unread_only": unread_only, "kinds": Kind.choices}
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def notification_open(request, pk):
    """Mark one notification read and go to the thing it is about."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_mark_read(notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications:list")


@login_required
def preferences(request):
    """Per kind, in-app only or in-app and email; shown inside the profile page."""
    form = PreferencesForm(request.POST or None, initial={"email_kinds": selectors.email_kinds(request.user)})
    saved = False
    if form.is_valid():
        services.preferences_save(user=request.user, email_kinds=set(form.cleaned_data["email_kinds"]))
        saved = True
    template = "notifications/preferences.html" if request.htmx else "notifications/preferences_page.html"
    return render(request, template, {"form": form, "saved": saved})


@login_required
def badge(request):
    """The unread count alone: the navigation bar fetches it again after its socket reconnects."""
    return render(request, "notifications/_unread_badge.html", {"unread_count": selectors.unread_count(request.user)})
