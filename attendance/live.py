"""Fragments pushed to live pages. Each is the same template partial the page renders on load."""

from django.conf import settings
from django.template.loader import render_to_string

from attendance import selectors
from notifications.live import push, session_group, user_group

LIVE = "attendance/session_live.html"
CHECKIN = "attendance/checkin.html"


def push_session_rows(session, records, *, new=False):
    """Rows (with the shared-browser flag annotated) and the counters, to the session's teachers.

    Two messages: browsers parse table rows only where the fragment starts as a table part.
    """
    group = session_group(session.pk)
    push(group, render_to_string(f"{LIVE}#pushed-rows", {"records": records, "new": new}))
    push(group, lambda: render_to_string(f"{LIVE}#counters", {"counters": selectors.counters(session), "oob": True}))


def code_panel_context(session, code):
    return {"session": session, "code": code, "open_early_minutes": settings.SESSION_OPEN_EARLY_MINUTES}


def push_code(session, code):
    push(session_group(session.pk), render_to_string(f"{LIVE}#code-panel", code_panel_context(session, code)))


def push_student_status(record):
    """The student's own check-in status, on every page they have open."""
    html = render_to_string(f"{CHECKIN}#status", {"record": record, "oob": True})
    push(user_group(record.student_id), html)


def push_lockouts(session):
    """The list of locked-out students, when one more is locked."""
    context = {"session": session, "locked": selectors.locked_students(session), "oob": True}
    push(session_group(session.pk), render_to_string(f"{LIVE}#lockouts", context))


def push_student_dashboards(session):
    """Tell the students of the session's course to reload their check-in card (a session opened or closed).

    One small fragment for all; each browser then fetches its own card.
    """
    html = render_to_string(f"{CHECKIN}#checkin-card-loader", {"load": True})
    for student_id in selectors.student_ids(session):
        push(user_group(student_id), html)
