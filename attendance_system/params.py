"""Values read from a query string, where anything may arrive: one reading of each kind for every view."""

from datetime import date

from django.http import Http404

# The dates a page may be asked about: wide enough for any school, narrow enough that a month or a week
# around them stays a real date.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
# The largest primary key the database holds (a 64-bit integer).
MAX_ID = 2**63 - 1


def id_or_404(value):
    """The id in `value`, or 404: an address that names no object names nothing (`abc`, `²`, too large)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < number <= MAX_ID:
        raise Http404
    return number


def day(value):
    """The date `YYYY-MM-DD` in `value`, or None when it is missing, not a date, or outside the years served."""
    try:
        parsed = date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return parsed if FIRST_DAY <= parsed <= LAST_DAY else None
