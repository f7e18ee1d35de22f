"""Fragments pushed to live pages. Each is the same template partial the page renders on load."""

from functools import cache, partial

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from attendance import selectors
from courses.models import SessionState
from notifications.live import loader, push, push_latest, session_group, user_group

LIVE = "attendance/session_live.html"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
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
    if changed:
        push_room(session, f"{LIVE}#pushed-rows", {"session": session, "records": changed, "new": False})
    if created:
        push_room(session, f"{LIVE}#pushed-rows", {"session": session, "records": created, "new": True})
    # Read once for every language's page (the languages' renders go together).
    counters = cache(lambda: counters_context(session))
    for language in LANGUAGES:
        push_latest(
            session_group(session.pk, language),
            partial(_render_in, language, f"{LIVE}#counters", counters),
            key=("counters", session.pk, language),
            within=COUNTERS_WITHIN,
        )


def _render_in(language, template, context):
    with translation.override(language):
        return render_to_string(template, context() if callable(context) else context)


def push_room(session, template, context):
    """`template` to the teachers watching `session`, rendered at commit in each language, each page getting its
    reader's: who caused the push (a student checking in) does not choose the language of the teacher's page."""
    for language in LANGUAGES:
        push(session_group(session.pk, language), partial(_render_in, language, template, context))


def counters_context(session, *, oob=True):
    return {"session": session, "counters": selectors.counters(session), "oob": oob}


def code_panel_context(session, code):
    return {"session": session, "code": code, "open_early_minutes": settings.SESSION_OPEN_EARLY_MINUTES}


def push_code(session, code):
    push_room(session, f"{LIVE}#code-panel", code_panel_context(session, code))


def push_student_statuses(session, records):
    """Each student's status in a session, to their pages with a check-in card: those show every open session
    of theirs, and only open ones, so nothing is sent for a session that is not open. The fragment shows only
    the record's status, lateness, note and check-out, in the student's language, so validating a lecture hall
    renders a few, not one per student."""
    if session.state != SessionState.OPEN:
        return
    fragments = {}
    for record in records:
        language = record.student.reading_language
        key = (record.status, record.is_late, record.note, record.checked_out_at, language)
        if key not in fragments:
            context = {"session": session, "record": record, "oob": True}
            with translation.override(language):
                fragments[key] = render_to_string(f"{CHECKIN}#status", context)
        push(user_group(record.student_id, "checkin"), fragments[key])


def push_lockouts(session):
    """The list of locked-out students, when one more is locked."""
    context = {"session": session, "locked": selectors.locked_students(session), "oob": True}
    push_room(session, f"{LIVE}#lockouts", context)


def push_student_cards(student_ids):
    """Tell students' pages with a check-in card to reload it (a session opened or closed, a lockout began or
    was lifted). One small fragment for all; each browser then fetches its own card."""
    html = loader(loader_id="checkin-card-loader", url=reverse("attendance:checkin"), target="#checkin-card")
    for student_id in student_ids:
        push(user_group(student_id, "checkin"), html)
