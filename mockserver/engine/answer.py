"""What the engine is asked and what it answers: plain data, no HTTP objects.

The server parses a request into a `Request`, the engine decides an `Answer`, and the
server turns it into bytes on the wire (or a broken connection, for a fault).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Request:
    """One vendor request, as the engine needs it."""

    method: str
    path: str
    query_string: str = ""
    path_params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes | None = b""  # None: the body was over the size cap
    base: str = "http://127.0.0.1"  # the fake's own address as the client reached it


@dataclass(slots=True)
class Answer:
    """What one request is answered with, before it becomes bytes.

    `payload` is the body already rendered to bytes (examples); otherwise `body` is encoded.
    `fault` names a connection fault to inject instead; `delay` is slept before sending.
    """

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    fault: str | None = None
    error: str | None = None
    payload: bytes | None = None
    delay: float = 0.0
    scenario: str | None = None
    step: int | None = None
    example: str | None = None
