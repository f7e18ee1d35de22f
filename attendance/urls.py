from django.urls import path, re_path

from attendance import justification_views, report_views, views

app_name = "attendance"

urlpatterns = [
    path("children/<int:pk>/", views.child_detail, name="child_detail"),
    path("checkin/", views.checkin, name="checkin"),
    path("sessions/<int:pk>/live/", views.session_live, name="session_live"),
    path("sessions/<int:pk>/open/", views.session_open, name="session_open"),
    path("sessions/<int:pk>/code/", views.code_new, name="code_new"),
    path("sessions/<int:pk>/close/", views.session_close, name="session_close"),
    path("sessions/<int:pk>/validate-all/", views.validate_all, name="validate_all"),
    path("sessions/<int:pk>/unlock/<int:student_pk>/", views.lockout_clear, name="lockout_clear"),
    path("sessions/<int:pk>/roll-call/", views.roll_call, name="roll_call"),
    path("sessions/<int:pk>/projector/", views.projector, name="projector"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("courses/<int:pk>/report/", report_views.course_report, name="course_report"),
    path("courses/<int:pk>/register/", report_views.course_register, name="course_register"),
    re_path(
        r"^courses/(?P<pk>[0-9]+)/export/(?P<kind>register|records)\.(?P<file_format>csv|xlsx)$",
        report_views.course_export,
        name="course_export",
    ),
    path(
        "courses/<int:course_pk>/students/<int:student_pk>/report/",
        report_views.student_report,
        name="student_report",
    ),
    path("justifications/", justification_views.justification_list, name="justification_list"),
    path("justifications/new/", justification_views.justification_new, name="justification_new"),
    path("justifications/<int:pk>/", justification_views.justification_detail, name="justification_detail"),
    path("justifications/<int:pk>/approve/", justification_views.justification_approve, name="justification_approve"),
    path("justifications/<int:pk>/deny/", justification_views.justification_deny, name="justification_deny"),
    path(
        "justifications/<int:pk>/withdraw/", justification_views.justification_withdraw, name="justification_withdraw"
    ),
    path(
        "justifications/<int:pk>/document/", justification_views.justification_document, name="justification_document"
    ),
    path("records/<int:pk>/validate/", views.record_validate, name="record_validate"),
    path("records/<int:pk>/reject/", views.record_reject, name="record_reject"),
]
