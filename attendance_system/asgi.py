import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attendance_system.settings")

# The event loop forwards a burst of frames (Validate all pending on a lecture hall) while a request's thread
# renders; at every socket write it gives up the GIL and waited up to Python's default 5 ms to get it back.
# At 0.5 ms the 1000th student's frame came twice as soon (README, "Check-in burst benchmark").
sys.setswitchinterval(0.0005)

# Django must be set up before the routing modules import models (as get_asgi_application() does).
django.setup(set_prefix=False)

from attendance_system.handlers import SyncChainASGIHandler  # noqa: E402

django_asgi_app = SyncChainASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from attendance_system.origin import SameOriginValidator  # noqa: E402
from attendance_system.request_size import RequestSizeLimit  # noqa: E402
from attendance_system.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": RequestSizeLimit(django_asgi_app),
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
