"""Reading a request body with a size cap: the one reader for vendor routes and the admin API.

A body over MAX_BODY is not read: one whose Content-Length announces more is refused before
a byte of it arrives, and one sent chunked is refused once it passes the cap. Its sender is
then answered with `Connection: close` (CLOSE), so the unread rest is never parsed as the
next request on the connection.
"""

from __future__ import annotations

from starlette.types import Receive, Scope

MAX_BODY = 1024 * 1024
CLOSE = (b"connection", b"close")


def announced_too_big(scope: Scope) -> bool:
    """The Content-Length header promises more than MAX_BODY (a bad one is left to the reader)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return value.isdigit() and (len(value) > 12 or int(value) > MAX_BODY)
    return False


async def read_body(scope: Scope, receive: Receive) -> bytes | None:
    """The request body, or None when it is over MAX_BODY."""
    if announced_too_big(scope):
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
