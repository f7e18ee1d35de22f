from django.urls import path, re_path

from grades import views

app_name = "grades"

urlpatterns = [
    path("", views.my_grades, name="my_grades"),
    path("children/<int:pk>/", views.child_grades, name="child_grades"),
    path("subjects/", views.subjects, name="subjects"),
    path("courses/<int:pk>/", views.gradebook, name="gradebook"),
    re_path(
        r"^courses/(?P<pk>[0-9]+)/export\.(?P<file_format>csv|xlsx)$", views.gradebook_export, name="gradebook_export"
    ),
    path("courses/<int:pk>/settings/", views.grading_settings, name="grading_settings"),
    path("courses/<int:pk>/assessments/new/", views.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/", views.score_entry, name="score_entry"),
    path("assessments/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/delete/", views.assessment_delete, name="assessment_delete"),
    path("assessments/<int:pk>/upload/", views.score_upload, name="score_upload"),
    path("assessments/<int:pk>/release/", views.assessment_release, name="assessment_release"),
]
