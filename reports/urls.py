from django.urls import path, re_path

from reports import views

app_name = "reports"

urlpatterns = [
    path("children/<int:pk>/", views.child_detail, name="child_detail"),
    path("students/<int:pk>/", views.student_profile, name="student_profile"),
    path("progress/", views.progress_dashboard, name="progress"),
    path("at-risk/", views.at_risk, name="at_risk"),
    path("courses/<int:pk>/report/", views.course_report, name="course_report"),
    path("courses/<int:pk>/register/", views.course_register, name="course_register"),
    re_path(
        r"^courses/(?P<pk>[0-9]+)/export/(?P<kind>register|records)\.(?P<file_format>csv|xlsx)$",
        views.course_export,
        name="course_export",
    ),
    path(
        "courses/<int:course_pk>/students/<int:student_pk>/report/",
        views.student_report,
        name="student_report",
    ),
]
