"""WebSocket routes of every app, mounted by asgi.py behind authentication and origin checks."""

websocket_urlpatterns = []
