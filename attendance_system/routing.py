"""WebSocket routes of every app, mounted by asgi.py behind authentication and origin checks."""

from django.urls import re_path

from attendance.routing import websocket_urlpatterns as attendance_routes
from notifications.consumers import NoSuchSocket
from notifications.routing import websocket_urlpatterns as notification_routes

websocket_urlpatterns = [*attendance_routes, *notification_routes, re_path(r"", NoSuchSocket.as_asgi())]
