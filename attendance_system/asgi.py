import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attendance_system.settings")

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
