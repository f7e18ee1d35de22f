from django.urls import path

from behaviour import views

app_name = "behaviour"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("students/<int:pk>/", views.student_detail, name="student_detail"),
    path("courses/<int:pk>/", views.course_records, name="course_records"),
    path("courses/<int:pk>/new/", views.record_create, name="record_create"),
    path("records/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("records/<int:pk>/delete/", views.record_delete, name="record_delete"),
    path("patterns/", views.pattern_report, name="pattern_report"),
    path("events/", views.event_list, name="event_list"),
    path("courses/<int:pk>/events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("participations/<int:pk>/edit/", views.participation_edit, name="participation_edit"),
    path("participations/<int:pk>/delete/", views.participation_delete, name="participation_delete"),
]
