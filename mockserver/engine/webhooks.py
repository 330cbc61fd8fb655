"""Webhooks without I/O: endpoints, the payload a finished job sends, signatures, retries.

The retry policy and the secrets' shape are the vendor's, from its profile. Sending over
HTTP is the server's (`server/delivery.py`); here a delivery is data whose next attempt
is due at a time on the fake's clock.

Users check their own receiver with `verify_signature`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..spec.placeholders import fill
from ..spec.profile import CreateCall, Profile, WebhookProfile
from .render import dump


def sign(secret: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of the raw body, keyed with the endpoint's secret (both vendors' scheme)."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, signature: str) -> bool:
    """True when `signature` is the one the fake (or the vendor) puts on `body`; for your receiver's tests."""
    expected = sign(secret, body).encode()
    return hmac.compare_digest(expected, signature.strip().lower().encode("utf-8", "replace"))


@dataclass
class Endpoint:
    endpoint_id: str
    vendor: str
    url: str
    events: list[str]
    secret: str
    created_at: float

    def record(self, profile: WebhookProfile) -> Any:
        created_iso = datetime.fromtimestamp(self.created_at, UTC).isoformat().replace("+00:00", "Z")
        return fill(profile.record, self.__dict__ | {"created_iso": created_iso})


def new_endpoint(
    profile: WebhookProfile, vendor: str, endpoint_id: str, url: str, events: list[str], now: float
) -> Endpoint:
    secret = profile.secret_prefix + secrets.token_urlsafe(24)
    return Endpoint(endpoint_id, vendor, url, events, secret, now)


@dataclass
class Delivery:
    delivery_id: str
    job_id: str
    event: str
    url: str
    payload: bytes
    headers: dict[str, str]
    endpoint_id: str | None
    next_due: float
    policy: WebhookProfile = field(repr=False)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    state: str = "pending"  # pending, sending, delivered, failed

    def settle(self, at: float, status: int | None, error: str | None) -> bool:
        """Log one attempt's result; True when another attempt is due (at `next_due`)."""
        self.attempts.append(
            {"attempt": len(self.attempts) + 1, "time": at, "status": status, "error": error}
        )
        if status is not None and 200 <= status < 300:
            self.state = "delivered"
        elif len(self.attempts) >= self.policy.attempts:
            self.state = "failed"
        else:
            self.state = "pending"
            self.next_due = at + self.policy.retry_every
            return True
        return False

    def as_dict(self) -> dict[str, Any]:
        return {
            "delivery_id": self.delivery_id,
            "job_id": self.job_id,
            "event": self.event,
            "url": self.url,
            "endpoint_id": self.endpoint_id,
            "state": self.state,
            "headers": self.headers,
            "payload": json.loads(self.payload),
            "attempts": self.attempts,
            "next_due": self.next_due if self.state in ("pending", "sending") else None,
        }


def payload_values(
    rid: str, event_id: str, now: float, failure: str | None, request: Any, body: Any
) -> dict[str, Any]:
    """What a payload template may name: id, event_id, timestamp, failure, request.*, body.*
    (and `event`, which `deliveries_for` adds: the name of the event the job ended with)."""
    return {
        "id": rid,
        "event_id": event_id,
        "timestamp": int(now),
        "failure": failure,
        "request": request,
        "body": body,
    }


def deliveries_for(
    profile: Profile,
    call: CreateCall,
    outcome: str,
    values: dict[str, Any],
    endpoints: list[Endpoint],
    mint: Callable[[], str],
    now: float,
) -> list[Delivery]:
    """One delivery per target of the event a job ended with: its own callback URL, then every
    registered endpoint that wants the event; `mint` names each delivery."""
    event = call.events.get(outcome)
    hooks = profile.webhooks
    if event is None or hooks is None:
        return []
    values = values | {"event": event.name}
    payload = dump(fill(event.payload, values))
    targets: list[tuple[str, str | None, str]] = []
    own = (values.get("request") or {}).get(call.callback_field or "")
    if isinstance(own, str) and own:
        secret = endpoints[0].secret if endpoints else hooks.default_secret
        targets.append((own, None, secret))
    for endpoint in endpoints:
        if not endpoint.events or event.name in endpoint.events:
            targets.append((endpoint.url, endpoint.endpoint_id, endpoint.secret))
    made = []
    for url, endpoint_id, secret in targets:
        headers = {str(k): str(fill(v, values)) for k, v in hooks.headers.items()}
        headers[hooks.signature_header] = sign(secret, payload)
        made.append(
            Delivery(mint(), values["id"], event.name, url, payload, headers, endpoint_id, now, hooks)
        )
    return made
