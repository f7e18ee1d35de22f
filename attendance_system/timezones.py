from django.utils import timezone


def institution_time_zone_middleware(get_response):
    """Times on every page are shown in the time zone of the reader's institution (stored in UTC): the
    institution's zone is active for the request, the installation's TIME_ZONE for anonymous visitors."""

    def middleware(request):
        from accounts.selectors import institution_of

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(institution_of(user).zone)
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware
