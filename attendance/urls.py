from django.urls import path

from attendance.views import checkin, justifications, live

app_name = "attendance"

urlpatterns = [
    path("checkin/", checkin.checkin, name="checkin"),
    path("checkin/sessions/<int:pk>/checkout/", checkin.checkout, name="checkout"),
    path("sessions/<int:pk>/live/", live.session_live, name="session_live"),
    path("sessions/<int:pk>/open/", live.session_open, name="session_open"),
    path("sessions/<int:pk>/code/", live.code_new, name="code_new"),
    path("sessions/<int:pk>/close/", live.session_close, name="session_close"),
    path("sessions/<int:pk>/validate-all/", live.validate_all, name="validate_all"),
    path("sessions/<int:pk>/unlock/<int:student_pk>/", live.lockout_clear, name="lockout_clear"),
    path("sessions/<int:pk>/roll-call/", live.roll_call, name="roll_call"),
    path("sessions/<int:pk>/projector/", live.projector, name="projector"),
    path("records/<int:pk>/", live.record_detail, name="record_detail"),
    path("justifications/", justifications.justification_list, name="justification_list"),
    path("justifications/new/", justifications.justification_new, name="justification_new"),
    path("justifications/<int:pk>/", justifications.justification_detail, name="justification_detail"),
    path("justifications/<int:pk>/approve/", justifications.justification_approve, name="justification_approve"),
    path("justifications/<int:pk>/deny/", justifications.justification_deny, name="justification_deny"),
    path("justifications/<int:pk>/withdraw/", justifications.justification_withdraw, name="justification_withdraw"),
    path("justifications/<int:pk>/document/", justifications.justification_document, name="justification_document"),
    path("records/<int:pk>/validate/", live.record_validate, name="record_validate"),
    path("records/<int:pk>/reject/", live.record_reject, name="record_reject"),
]
