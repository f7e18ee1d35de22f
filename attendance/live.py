"""Fragments pushed to live pages. Each is the same template partial the page renders on load."""

from functools import partial

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from attendance import selectors
from courses.models import SessionState
from notifications.live import loader, push, push_latest, session_group, user_group

LIVE = "attendance/session_live.html"
COUNTERS_WITHIN = 0.15
CHECKIN = "attendance/checkin.html"


def push_session_rows(session, *, created=(), changed=()):
    """Rows (with the shared-browser flag annotated) and the counters, to the session's teachers: a created
    row is added at the top of every open table (the newest first, as the page lists them), a changed one
    replaces itself.

    The rows are rendered at commit, out of the transaction (a lecture hall's thousand rows take a while). The
    counters follow within COUNTERS_WITHIN seconds, read then: one query and one render for however many
    check-ins a lecture hall sends meanwhile.
    """
    group = session_group(session.pk)
    for records, new in ((changed, False), (created, True)):
        if records:
            context = {"session": session, "records": records, "new": new}
            push(group, partial(render_to_string, f"{LIVE}#pushed-rows", context))
    push_latest(
        group,
        lambda: render_to_string(f"{LIVE}#counters", counters_context(session)),
        key=("counters", session.pk),
        within=COUNTERS_WITHIN,
    )


def counters_context(session, *, oob=True):
    return {"session": session, "counters": selectors.counters(session), "oob": oob}


def code_panel_context(session, code):
    return {"session": session, "code": code, "open_early_minutes": settings.SESSION_OPEN_EARLY_MINUTES}


def push_code(session, code):
    push(session_group(session.pk), render_to_string(f"{LIVE}#code-panel", code_panel_context(session, code)))


def push_student_statuses(session, records):
    """Each student's status in a session, to their pages with a check-in card: those show every open session
    of theirs, and only open ones, so nothing is sent for a session that is not open. The fragment shows only
    the record's status, lateness, note and check-out, so validating a lecture hall renders a few, not one per
    student."""
    if session.state != SessionState.OPEN:
        return
    fragments = {}
    for record in records:
        key = (record.status, record.is_late, record.note, record.checked_out_at)
        if key not in fragments:
            context = {"session": session, "record": record, "oob": True}
            fragments[key] = render_to_string(f"{CHECKIN}#status", context)
        push(user_group(record.student_id, "checkin"), fragments[key])


def push_lockouts(session):
    """The list of locked-out students, when one more is locked."""
    context = {"session": session, "locked": selectors.locked_students(session), "oob": True}
    push(session_group(session.pk), render_to_string(f"{LIVE}#lockouts", context))


def push_student_cards(student_ids):
    """Tell students' pages with a check-in card to reload it (a session opened or closed, a lockout began or
    was lifted). One small fragment for all; each browser then fetches its own card."""
    html = loader(loader_id="checkin-card-loader", url=reverse("attendance:checkin"), target="#checkin-card")
    for student_id in student_ids:
        push(user_group(student_id, "checkin"), html)
