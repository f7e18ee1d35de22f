from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("", views.course_list, name="course_list"),
    path("new/", views.course_create, name="course_create"),
    path("<int:pk>/", views.course_detail, name="course_detail"),
    path("<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("<int:pk>/archive/", views.course_archive, name="course_archive"),
    path("<int:pk>/delete/", views.course_delete, name="course_delete"),
    path("<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("<int:pk>/sessions/series/", views.session_series, name="session_series"),
    path("<int:pk>/roster/", views.roster, name="roster"),
    path("<int:pk>/roster/import/", views.roster_import, name="roster_import"),
    path("<int:pk>/roster/<int:student_pk>/remove/", views.roster_remove, name="roster_remove"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/delete/", views.session_delete, name="session_delete"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("calendar/feed/regenerate/", views.calendar_feed_regenerate, name="calendar_feed_regenerate"),
    path("sessions/<int:pk>/restore/", views.session_restore, name="session_restore"),
]
