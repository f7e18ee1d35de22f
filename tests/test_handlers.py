"""The ASGI handler (attendance_system/handlers.py): the middleware as one synchronous chain, run in a thread that
an earlier request left idle."""

import asyncio
import threading

import pytest
from asgiref.sync import iscoroutinefunction
from channels.testing import HttpCommunicator

from attendance_system import handlers
from attendance_system.handlers import SyncChainASGIHandler

HOST = [(b"host", b"testserver")]


def test_the_middleware_is_one_synchronous_chain():
    handler = SyncChainASGIHandler()
    assert not iscoroutinefunction(handler._middleware_chain)


@pytest.mark.django_db(transaction=True)
async def test_requests_run_one_after_another_in_one_kept_thread(monkeypatch):
    handler = SyncChainASGIHandler()
    seen = []
    get_response = handler.get_response

    def noting_the_thread(request):
        seen.append(threading.get_ident())
        return get_response(request)

    monkeypatch.setattr(handler, "get_response", noting_the_thread)
    for _ in range(3):
        communicator = HttpCommunicator(handler, "GET", "/accounts/login/", headers=HOST)
        response = await communicator.get_response()
        await communicator.wait(timeout=10)  # the thread is back among the idle ones once the request has ended
        assert response["status"] == 200
        assert b"<form" in response["body"]
    assert len(set(seen)) == 1
    assert len(handler._idle) == 1


@pytest.mark.django_db(transaction=True)
async def test_idle_threads_beyond_the_limit_are_let_go(monkeypatch):
    monkeypatch.setattr(handlers, "IDLE_THREADS_KEPT", 1)
    handler = SyncChainASGIHandler()
    responses = [HttpCommunicator(handler, "GET", "/accounts/login/", headers=HOST) for _ in range(3)]
    answers = await asyncio.gather(*(communicator.get_response() for communicator in responses))
    assert [answer["status"] for answer in answers] == [200, 200, 200]
    await asyncio.gather(*(communicator.wait(timeout=10) for communicator in responses))
    assert len(handler._idle) == 1
