import pytest
from django.db import transaction

from notifications import live

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sent(monkeypatch):
    messages = []
    monkeypatch.setattr(live, "_send", lambda group, html: messages.append((group, html)))
    return messages


def test_a_push_is_sent_only_after_the_transaction_commits(sent):
    with transaction.atomic():
        live.push("user.1", " <div id='x'></div> ")
        assert sent == []
    assert sent == [("user.1", "<div id='x'></div>")]


def test_a_rolled_back_change_pushes_nothing(sent):
    with pytest.raises(RuntimeError), transaction.atomic():
        live.push("user.1", "<div id='x'></div>")
        raise RuntimeError
    assert sent == []


def test_a_failing_layer_never_breaks_the_caller(monkeypatch, caplog):
    def broken():
        raise ConnectionError("redis is down")

    monkeypatch.setattr(live, "get_channel_layer", broken)
    live.push("user.1", "<div id='x'></div>")
    assert "Live push to user.1 failed" in caplog.text


def test_group_names_come_from_one_place():
    assert (live.session_group(7, "fr"), live.user_group(8)) == ("session.7.fr", "user.8")
