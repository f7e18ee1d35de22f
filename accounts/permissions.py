"""Role checks shared by every app's views."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from accounts.models import Role


def role_required(*roles):
    """Let in logged-in users whose role is one of `roles` (administrators always); others get 403.

    A role check guards pages, not objects: objects are scoped by selectors, and out of scope is a 404.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not (request.user.is_admin or request.user.role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


teacher_required = role_required(Role.TEACHER)
