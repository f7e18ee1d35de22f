from django.urls import path

from attendance import views

app_name = "attendance"

urlpatterns = [
    path("children/<int:pk>/", views.child_detail, name="child_detail"),
]
