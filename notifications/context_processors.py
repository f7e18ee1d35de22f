from notifications.selectors import unread_count


def unread(request):
    """The unread count for the navigation bar (one query per page, for logged-in users)."""
    if not request.user.is_authenticated:
        return {}
    return {"unread_count": unread_count(request.user)}
