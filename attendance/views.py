from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts.selectors import children_of, children_visible_to, role_counts
from courses import selectors as course_selectors
from courses.models import ClassSession, Course


def _teacher_dashboard(user):
    managed = course_selectors.courses_managed_by(user).filter(archived=False)
    return {
        "courses": course_selectors.courses_with_counts(managed),
        "today": course_selectors.sessions_on_day(
            course_selectors.sessions_managed_by(user).filter(course__archived=False), timezone.localdate()
        ),
    }


def _student_dashboard(user):
    return {
        "courses": course_selectors.courses_visible_to(user).filter(archived=False).prefetch_related("teachers"),
        "upcoming": course_selectors.upcoming_sessions_of_student(user),
    }


def _parent_dashboard(user):
    children = list(children_of(user))
    for child in children:
        child.upcoming = course_selectors.upcoming_sessions_of_student(child, limit=3)
    return {"children": children}


def _admin_dashboard(user):
    today = timezone.localdate()
    return {
        "role_counts": role_counts(),
        "course_count": Course.objects.filter(archived=False).count(),
        "today": course_selectors.sessions_on_day(ClassSession.objects.all(), today),
    }


DASHBOARDS = {
    "admin": ("attendance/dashboard_admin.html", _admin_dashboard),
    "teacher": ("attendance/dashboard_teacher.html", _teacher_dashboard),
    "student": ("attendance/dashboard_student.html", _student_dashboard),
    "parent": ("attendance/dashboard_parent.html", _parent_dashboard),
}


@login_required
def home(request):
    """Each role lands on its own dashboard."""
    role = "admin" if request.user.is_admin else request.user.role
    template, build = DASHBOARDS[role]
    return render(request, template, build(request.user))


@login_required
def child_detail(request, pk):
    child = get_object_or_404(children_visible_to(request.user), pk=pk)
    context = {
        "child": child,
        "courses": course_selectors.courses_visible_to(child).prefetch_related("teachers"),
        "upcoming": course_selectors.upcoming_sessions_of_student(child, limit=20),
    }
    return render(request, "attendance/child_detail.html", context)
