"""Django's ASGI handler with the middleware run as one synchronous chain, in a thread kept for the next request.

Under ASGI, Django loads the middleware in async mode. Each middleware built on MiddlewareMixin (all of Django's
own) then runs each of its hooks through `sync_to_async`, and a sync-only one (WhiteNoise) makes the chain hop
back: about forty hops between the event loop and the request's thread per request, each copying the request's
context variables across (asgiref's `_restore_context`). That was the largest cost of a check-in under a
lecture hall's burst (bench/checkin_profile.py), though every view and middleware here is synchronous. So the
chain runs as under WSGI, in one hop; the request's reading and the response's sending stay on the event loop.
An async view would still work (Django's sync path runs it with `async_to_sync`), but would gain nothing here.

Django also starts a thread for each request (its thread-sensitive code runs there) and another to wait for the
first to end. Here a request borrows a thread that an earlier one left idle, as a WSGI server's pool does:
database connections go back to the pool at the end of each request all the same (`request_finished`).
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler

# Idle request threads kept beyond this are let go: a burst's peak need not stay resident.
IDLE_THREADS_KEPT = 64


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self):
        super().__init__()
        self._idle = []

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        thread = self._idle.pop() if self._idle else ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")
        try:
            async with ThreadSensitiveContext(executor=thread):
                await self.handle(scope, receive, send)
        finally:
            # A request whose client went away may leave its view running there: the thread is kept (or let go)
            # only once it is done.
            await asyncio.wrap_future(thread.submit(_done))
            if len(self._idle) < IDLE_THREADS_KEPT:
                self._idle.append(thread)
            else:
                thread.shutdown(wait=False)


def _done():
    """Nothing: it runs once the thread has finished what it was given before."""
