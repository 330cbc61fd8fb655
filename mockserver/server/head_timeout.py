"""Closing a connection whose request head does not arrive in time (`--header-timeout`).

uvicorn times out only idle keep-alive connections: a client that connects and sends
nothing, or a request line and half its headers, holds the connection (and a file
descriptor) for ever. `HeadTimeoutProtocol` is uvicorn's own HTTP protocol with one timer
per request head: armed when the connection opens and when the first bytes of a next
request arrive, cancelled once the head is complete (uvicorn has then made the request's
cycle); if it fires, the connection is closed without an answer, as a proxy's
client_header_timeout does. A request's body and its answer are not timed.

Like faults.py this relies on uvicorn internals (the protocol's `cycle`, `transport` and
`loop`); tests/server/test_hostile.py (test_header_read_times_out) fails if an upgrade
changes them.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.auto import AutoHTTPProtocol

DEFAULT = 10.0


class HeadTimeoutProtocol(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
    """uvicorn's HTTP protocol (httptools, else h11), with a bound on reading each request head."""

    head_timeout = DEFAULT
    head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self.arm()

    def data_received(self, data: bytes) -> None:
        before = self.cycle
        super().data_received(data)
        if self.cycle is not before:  # a head completed: its request is no longer this timer's
            self.disarm()
        elif self.head_timer is None and (before is None or before.response_complete):
            self.arm()  # the first bytes of a next request

    def connection_lost(self, exc: Exception | None) -> None:
        self.disarm()
        super().connection_lost(exc)

    def arm(self) -> None:
        self.head_timer = self.loop.call_later(self.head_timeout, self.head_timed_out)

    def disarm(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def head_timed_out(self) -> None:
        self.head_timer = None
        if not self.transport.is_closing():
            self.transport.close()


def protocol(seconds: float) -> type[asyncio.Protocol]:
    """The protocol class to hand uvicorn (`Config(http=...)`), with this bound in seconds."""
    return type("HeadTimeoutProtocol", (HeadTimeoutProtocol,), {"head_timeout": seconds})
