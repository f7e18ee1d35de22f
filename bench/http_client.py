"""A small HTTP/1.1 client for the load generator: keep-alive connections pooled per server, a POST, nothing else.

Why not httpx: its connection pool (httpcore) looks at every open connection for every request, so with a hundred
connections open the generator spent about 6 ms of CPU per request, more than a floor daphne process spent serving
it, on the same two cores; the floor measured ~140/s where its servers could do twice that. This client does the
same small amount of work per request whatever the number of connections.
"""

import asyncio
from dataclasses import dataclass
from urllib.parse import urlencode

ERRORS = (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError)


@dataclass
class Response:
    status: int
    headers: dict  # lower-case names; a repeated header keeps its last value
    text: str


async def _read_response(reader):
    """The response and whether the connection may be used again."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("The server closed the connection.")
    status = int(status_line.split()[1])
    headers = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _colon, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    reusable = headers.get("connection", "").lower() != "close"
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while size := int((await reader.readline()).split(b";")[0], 16):
            body += await reader.readexactly(size)
            await reader.readexactly(2)
        await reader.readline()  # the CRLF after the last, empty chunk (no trailers here)
    else:
        body, reusable = await reader.read(), False
    return Response(status, headers, body.decode("utf-8", "replace")), reusable


class Client:
    """Requests to one server, on at most `max_connections` connections at a time (others wait for one)."""

    def __init__(self, port, *, timeout, max_connections=200):
        self.port = port
        self.timeout = timeout
        self._idle = []
        self._slots = asyncio.Semaphore(max_connections)

    async def post(self, path, fields, headers):
        """POST `fields` form-encoded, with `headers`; raises one of ERRORS on failure or after `timeout`."""
        body = urlencode(fields).encode()
        lines = [
            f"POST {path} HTTP/1.1",
            f"Host: 127.0.0.1:{self.port}",
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        async with asyncio.timeout(self.timeout), self._slots:
            if self._idle:
                try:
                    return await self._exchange(self._idle.pop(), request)
                except (OSError, asyncio.IncompleteReadError):
                    pass  # a kept-alive connection the server had closed meanwhile: once more on a new one
            return await self._exchange(await asyncio.open_connection("127.0.0.1", self.port), request)

    async def _exchange(self, connection, request):
        reader, writer = connection
        try:
            writer.write(request)
            await writer.drain()
            response, reusable = await _read_response(reader)
        except BaseException:
            writer.close()
            raise
        if reusable:
            self._idle.append(connection)
        else:
            writer.close()
        return response

    async def close(self):
        for _reader, writer in self._idle:
            writer.close()
        self._idle.clear()
