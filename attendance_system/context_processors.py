from django.conf import settings


def site(request):
    """Values every page needs: whether registration is open and whether demo logins may be shown."""
    return {
        "registration_open": settings.ALLOW_STUDENT_REGISTRATION,
        "show_demo_logins": settings.DEBUG,
    }
