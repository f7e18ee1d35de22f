"""Django's ASGI handler with the middleware run as one synchronous chain: one thread hop per request.

Under ASGI, Django loads the middleware in async mode. Each middleware built on MiddlewareMixin (all of Django's
own) then runs each of its hooks through `sync_to_async`, and a sync-only one (WhiteNoise) makes the chain hop
back: about forty hops between the event loop and the request's thread per request, each copying the request's
context variables across (asgiref's `_restore_context`). That was the largest cost of a check-in under a
lecture hall's burst (bench/checkin_profile.py), though every view and middleware here is synchronous.

So the chain runs as under WSGI, in the one thread Django's ASGI handler gives each request; the request's
reading and the response's sending stay on the event loop. An async view would still work (Django's sync path
runs it with `async_to_sync`), but would gain nothing here.
"""

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler


class SyncChainASGIHandler(ASGIHandler):
    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
