"""The ASGI endpoint of one vendor operation: parse the request, ask the engine, send the answer.

Nothing here decides anything: the engine's `Fake.answer` does. This module only turns a
scope into a `Request` and an `Answer` into bytes (or a connection fault).
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

from starlette.types import Receive, Scope, Send

from ..engine.answer import Answer, Request
from ..engine.fake import Fake
from ..engine.render import dump
from ..spec.openapi import Operation
from .bodies import CLOSE, read_body
from .faults import send_fault

JSON = (b"content-type", b"application/json")
NO_BODY = (204, 205, 304)  # RFC 9110: no content in these (205: length 0)
Head = list[tuple[bytes, bytes]]


class VendorEndpoint:
    """One operation's endpoint; the x-mock-* headers are encoded once per (scenario, step, example)."""

    def __init__(self, operation: str, fake: Fake, reads_body: bool) -> None:
        self.operation = operation
        self.responder = fake.responders[operation]  # the engine's side of this operation
        self.clock = fake.clock
        self.reads_body = reads_body
        self.heads: dict[tuple[str | None, int | None, str | None], Head] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query, headers = read_request(scope)
        body = await read_body(scope, receive) if self.reads_body else b""
        request = Request(
            scope["method"],
            scope["path"],
            scope["query_string"].decode("latin-1"),
            scope.get("path_params") or {},
            query,
            headers,
            body,
            base_url(scope, headers),
        )
        answer = self.responder.answer(request, self.clock.now())
        if answer.delay > 0:
            await asyncio.sleep(self.clock.real_seconds(answer.delay))
        await self.send(answer, scope, send, close=body is None)

    async def send(self, answer: Answer, scope: Scope, send: Send, close: bool = False) -> None:
        head = self.head(answer.scenario, answer.step, answer.example)
        if answer.headers or close:
            head = with_headers(head, answer.headers)
            head += [CLOSE] if close else []  # the body over the cap was left unread
        payload = answer.payload if answer.payload is not None else dump(answer.body)
        if answer.fault:
            await send_fault(answer.fault, scope, send, payload, head)
            return
        if answer.status in NO_BODY:  # HTTP allows these no body: one sent would start the next response
            head, payload = [h for h in head if h[0] != b"content-type"], b""
            head += [(b"content-length", b"0")] if answer.status == 205 else []  # else uvicorn sends chunks
        else:
            head = [*head, (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": answer.status, "headers": head})
        await send({"type": "http.response.body", "body": payload})

    def head(self, scenario: str | None, step: int | None, example: str | None) -> Head:
        key = (scenario, step, example)
        head = self.heads.get(key)
        if head is None:
            head = [JSON, (b"x-mock-operation", self.operation.encode())]
            if scenario:
                head.append((b"x-mock-scenario", scenario.encode()))
            if step is not None:
                head.append((b"x-mock-step", str(step).encode()))
            if example is not None:
                head.append((b"x-mock-example", example.encode()))
            if len(self.heads) < 4096:  # bounded even with endless scenario names from the admin API
                self.heads[key] = head
        return head


def with_headers(head: Head, headers: dict[str, str]) -> Head:
    """The head with a step's own headers, each replacing the fake's of that name (its Content-Type
    the default JSON one): a header sent twice is a different header to most clients."""
    own = [(k.lower().encode("latin-1", "replace"), v.encode("utf-8", "replace")) for k, v in headers.items()]
    names = {k for k, _ in own}
    return [h for h in head if h[0] not in names] + own


class SharedRoute:
    """A route two vendors serve (`GET /v2/voices`), at the root: the vendor whose host the request
    names (`Host: api.jogg.ai`, as behind a proxy or a hosts-file entry), else one line naming each
    vendor's prefix, where the route is that vendor's alone. Never one vendor's body for another's client."""

    def __init__(self, ops: list[Operation], endpoints: dict[str, VendorEndpoint]) -> None:
        self.by_host = {host: endpoints[op.name] for op in ops for host in op.profile.hosts}
        self.prefixes = [op.profile.prefix + op.path for op in ops]
        self.vendors = [op.vendor for op in ops]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        _, headers = read_request(scope)
        host = headers.get("host", "").rsplit(":", 1)[0] if "]" not in headers.get("host", "") else ""
        endpoint = self.by_host.get(host.lower())
        if endpoint is not None:
            await endpoint(scope, receive, send)
            return
        body = {
            "error": f"{scope['method']} {scope['path']} is served by {' and '.join(self.vendors)}: "
            f"use a vendor's prefix as your base URL ({', '.join(self.prefixes)}), or send its Host",
            "routes": self.prefixes,
        }
        payload = dump(body)
        head = [JSON, (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": 404, "headers": head})
        await send({"type": "http.response.body", "body": payload})


def base_url(scope: Scope, headers: dict[str, str]) -> str:
    """The fake's own address as this client reached it: where its media links must point."""
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}"


def read_request(scope: Scope) -> tuple[dict[str, str], dict[str, str]]:
    """Query and headers as plain dicts, last value wins: cheaper than Starlette's Request for a look."""
    raw = scope["query_string"]
    if b"%" in raw or b"+" in raw:
        query = dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))
    else:  # nothing to unquote (`video_id=abc`): three times quicker than parse_qsl
        query = {}
        for part in raw.decode("latin-1").split("&"):
            if part:
                name, _, value = part.partition("=")
                query[name] = value
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
    return query, headers
