from notifications.selectors import unread_count


def unread(request):
    """The unread count for the navigation bar (one query per page, for logged-in users). An htmx request
    renders a fragment, which has no navigation bar."""
    if getattr(request, "htmx", False) or not request.user.is_authenticated:
        return {}
    return {"unread_count": unread_count(request.user)}
