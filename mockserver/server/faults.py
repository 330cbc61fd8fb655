"""Network faults a scenario can inject: reset, empty reply, malformed JSON, body cut short.

Faults that break the connection need the socket under the ASGI app, which ASGI does not
expose. uvicorn's `send` is a bound method of its request cycle, which holds the transport:
`remember` keeps a weak reference to that cycle in the scope before any middleware wraps
`send` (weak, so a request's objects form no reference cycle for the collector). This is
the one place that relies on uvicorn's internals (the cycle's `transport` and
`disconnected`); tests/server/test_app.py (test_uvicorn_still_hands_faults_its_connection) fails loudly if an upgrade changes them.
Where there is no transport (an in-process client), the fault raises ConnectionResetError
into the client instead.
"""

from __future__ import annotations

import socket
import struct
import weakref

from starlette.types import Scope, Send

KEY = "mockserver.connection"


def remember(scope: Scope, send: Send) -> None:
    """Note the server's request cycle, if `send` belongs to one, for `drop` to find."""
    owner = getattr(send, "__self__", None)
    if owner is not None:
        scope[KEY] = weakref.ref(owner)


def drop(scope: Scope, reset: bool) -> None:
    """Close (or reset) the client's connection, and tell uvicorn it is gone."""
    ref = scope.get(KEY)
    owner = ref() if ref is not None else None
    transport = getattr(owner, "transport", None)
    if owner is None or transport is None:
        raise ConnectionResetError("mockserver fault: connection dropped")
    owner.disconnected = True  # so uvicorn neither logs nor answers 500 on the dead socket
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        transport.abort()
    else:
        transport.close()


async def send_fault(
    kind: str, scope: Scope, send: Send, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    """Answer with the fault instead of a normal response."""
    if kind in ("reset", "empty"):
        drop(scope, reset=kind == "reset")
        return
    if kind == "malformed":
        cut = body[: max(1, len(body) // 2)] + b"\x00<!--"
        await send({"type": "http.response.start", "status": 200, "headers": _with_length(headers, len(cut))})
        await send({"type": "http.response.body", "body": cut})
        return
    # truncated: promise the whole body, send half, then drop the connection
    await send({"type": "http.response.start", "status": 200, "headers": _with_length(headers, len(body))})
    await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
    drop(scope, reset=False)


def _with_length(headers: list[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    return kept + [(b"content-length", str(length).encode())]
