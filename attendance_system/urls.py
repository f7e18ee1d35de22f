from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from reports import views as reports_views

admin.site.site_header = _("Attendance administration")
admin.site.site_title = _("Attendance")


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says."""
    return redirect(static("favicon.svg"), permanent=True)


urlpatterns = [
    path("favicon.ico", favicon),
    path("", reports_views.home, name="home"),
    path("", include("attendance.urls")),
    path("", include("reports.urls")),
    path("accounts/", include("accounts.urls")),
    path("courses/", include("courses.urls")),
    path("behaviour/", include("behaviour.urls")),
    path("grades/", include("grades.urls")),
    path("notifications/", include("notifications.urls")),
    path("admin/", admin.site.urls),
]
