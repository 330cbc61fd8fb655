"""A small reference client that polls HeyGen or JoggAI until a render ends. Copy it.

It shows what the fake is for: every way a poll can go (a terminal status, a vendor
error in either vendor's envelope, a rate limit, a 5xx, a dropped connection, a body that
is not JSON, a status it has never seen) ends in exactly one of three outcomes:
a `Finished` result, a typed `RenderError`, or `RenderTimeout`, within `max_polls` polls.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass(frozen=True)
class Vendor:
    """What differs between the vendors, as data."""

    name: str
    message_key: str  # "message" (HeyGen) or "msg" (JoggAI)
    done: frozenset[str] = frozenset({"completed", "complete", "ready", "success"})
    failed: frozenset[str] = frozenset({"failed", "fail", "error"})
    # body codes -> error class names, for vendors that answer errors with HTTP 200
    body_errors: dict[int, str] = field(default_factory=dict)


HEYGEN = Vendor("heygen", message_key="message")
JOGGAI = Vendor(
    "joggai",
    message_key="msg",
    body_errors={
        10104: "NotFound",
        10105: "Unauthorized",
        18020: "InsufficientCredit",
        18025: "NoPermission",
        40000: "BadRequest",
        429: "RateLimited",
        50000: "ServerError",
    },
)
HTTP_ERRORS = {
    401: "Unauthorized",
    402: "InsufficientCredit",
    403: "NoPermission",
    404: "NotFound",
    400: "BadRequest",
}


@dataclass
class Finished:
    status: str
    data: dict[str, Any]
    polls: int


class RenderError(Exception):
    """The render or the request failed for good; `kind` says how."""

    def __init__(self, kind: str, message: str, code: Any = None) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message
        self.code = code


class RenderTimeout(Exception):
    """Still not finished after `max_polls` polls."""


RETRYABLE = (httpx.TransportError,)  # resets, empty replies, cut bodies, timeouts


def poll_until_done(
    client: httpx.Client,
    vendor: Vendor,
    path: str,
    params: dict[str, str] | None = None,
    *,
    max_polls: int = 20,
    interval: float = 1.0,
    max_backoff: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Finished:
    """Poll `path` until the render finishes, fails, or `max_polls` runs out."""
    backoff = interval
    for attempt in range(1, max_polls + 1):
        wait = interval
        try:
            response = client.get(path, params=params)
            body = response.json()
        except RETRYABLE:
            body, response = None, None
        except ValueError:  # not JSON: a proxy page, a cut body
            body = None
        if body is None or response is None:
            backoff = min(backoff * 2, max_backoff)
            sleep(backoff)
            continue
        retry_after = _retry_after(response)
        kind = _error_kind(response.status_code, body, vendor)
        if kind in ("RateLimited", "ServerError"):
            backoff = min(max(backoff * 2, retry_after or 0), max_backoff)
            sleep(backoff)
            continue
        if kind is not None:
            raise RenderError(kind, _message(body, vendor), _code(body))
        data = body.get("data") if isinstance(body, dict) else None
        status = str((data or {}).get("status", "")).lower() if isinstance(data, dict) else ""
        if status in vendor.done:
            return Finished(status, data or {}, attempt)
        if status in vendor.failed:
            raise RenderError(
                "RenderFailed", _failure_reason(data or {}, body, vendor), _failure_code(data or {})
            )
        backoff = interval
        sleep(wait)  # pending, processing, waiting, or a status we do not know: keep polling
    raise RenderTimeout(f"{path} not finished after {max_polls} polls")


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("retry-after", ""))
    except ValueError:
        return None


def _error_kind(status: int, body: Any, vendor: Vendor) -> str | None:
    if status == 429:
        return "RateLimited"
    if status >= 500:
        return "ServerError"
    if status in HTTP_ERRORS:
        return HTTP_ERRORS[status]
    if status >= 400:
        return "BadRequest"
    code = body.get("code") if isinstance(body, dict) else None
    if isinstance(code, int) and code in vendor.body_errors:
        return vendor.body_errors[code]
    return None


def _message(body: Any, vendor: Vendor) -> str:
    return (
        str(body.get(vendor.message_key) or body.get("message") or body)
        if isinstance(body, dict)
        else str(body)
    )


def _code(body: Any) -> Any:
    return body.get("code") if isinstance(body, dict) else None


def _failure_reason(data: dict[str, Any], body: dict[str, Any], vendor: Vendor) -> str:
    error = data.get("error")
    if isinstance(error, dict):  # HeyGen video: {"code": 40119, "message": ..., "detail": ...}
        return str(error.get("detail") or error.get("message"))
    for key in ("error_message", "error_msg", "msg", "error"):  # the other shapes seen
        if data.get(key):
            return str(data[key])
    return _message(body, vendor)


def _failure_code(data: dict[str, Any]) -> Any:
    error = data.get("error")
    return error.get("code") if isinstance(error, dict) else None
