"""The session lifecycle: scheduled -> open -> closed, scheduled -> cancelled -> scheduled, and nothing else."""

from datetime import timedelta
from itertools import product

import pytest
from django.test import override_settings
from django.utils import timezone

from attendance_system.errors import DomainError
from courses import services
from courses.models import ClassSession, SessionState
from courses.tests.factories import ClassSessionFactory

pytestmark = pytest.mark.django_db
S = SessionState

# Each move of the table, done by its service while the session starts in ten minutes.
MOVES = {
    S.OPEN: lambda session: services.session_open(session=session),
    S.CLOSED: lambda session: services.session_close(session=session),
    S.CANCELLED: lambda session: services.session_cancel(session=session, reason="Strike"),
    S.SCHEDULED: lambda session: services.session_restore(session=session),
}


def session_in(state):
    now = timezone.now()
    return ClassSessionFactory(starts_at=now + timedelta(minutes=10), ends_at=now + timedelta(hours=1), state=state)


@pytest.mark.parametrize(("start", "to"), [pair for pair in product(S, S) if pair in services.TRANSITIONS])
def test_each_allowed_move_changes_the_state_and_the_callers_copy(start, to):
    session = session_in(start)
    MOVES[to](session)
    assert session.state == to
    assert ClassSession.objects.get(pk=session.pk).state == to


@pytest.mark.parametrize(("start", "to"), [pair for pair in product(S, S) if pair not in services.TRANSITIONS])
def test_every_other_move_is_refused_with_a_reason_and_changes_nothing(start, to):
    session = session_in(start)
    with pytest.raises(DomainError) as refused:
        MOVES[to](session)
    assert refused.value.message.endswith(".") and len(refused.value.message) > 20
    assert ClassSession.objects.get(pk=session.pk).state == start


@override_settings(SESSION_OPEN_EARLY_MINUTES=5)
def test_opening_early_follows_the_setting():
    session = session_in(S.SCHEDULED)
    with pytest.raises(DomainError, match="from 5 minutes before its start"):
        services.session_open(session=session)
    services.session_open(session=session, now=session.starts_at - timedelta(minutes=5))
    assert session.state == S.OPEN


def test_a_cancelled_session_is_restored_only_before_it_starts():
    session = session_in(S.CANCELLED)
    with pytest.raises(DomainError, match="only before it starts"):
        services.session_restore(session=session, now=session.starts_at)
    assert ClassSession.objects.get(pk=session.pk).state == S.CANCELLED
