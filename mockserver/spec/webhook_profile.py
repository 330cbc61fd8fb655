"""A vendor profile's webhook facts: the registry's operations, how deliveries are signed and retried.

Kept apart from `profile.py` (which reads the whole profile) as one concept: what a job sends when
it ends, and how the vendor's endpoint registry looks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# What a webhook registration's URL must look like: http or https, with a host. The fake refuses
# anything else (a `file:` or `data:` URL would never be delivered, or read a local path), and the
# effective spec says so with this same pattern (JSON Schema's, as jsonschema-rs reads it). A port,
# when given, is 1 to 65535 without leading zeros: one past that could never be delivered to.
PORT = r"(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})"
URL_PATTERN = (
    r"^[Hh][Tt][Tt][Pp][Ss]?://([^\s/?#@]*@)?(\[[0-9A-Fa-f:.]+\]|[^\s/?#@:\[\]]+)"
    rf"(:{PORT})?([/?#]\S*)?$"
)


@dataclass
class WebhookEvent:
    """What a job sends when it ends one way: the event's name and its payload template.

    In a template a string "{name}" is replaced by a value: id, event, event_id, timestamp,
    failure (the failure message), request.FIELD (of the create call) or body.PATH (of the
    terminal status body, media links included).
    """

    name: str
    payload: Any


@dataclass
class WebhookProfile:
    """The vendor's webhook endpoint operations, how an endpoint looks, and how deliveries are signed."""

    add: str
    list: str
    delete: str
    record: dict[str, Any]
    signature_header: str
    secret_prefix: str
    url_field: str  # where a registration's body gives the receiver's URL
    events_field: str  # and the events it wants
    data_field: str  # where the registry's answers carry the endpoint (or the list of them)
    default_secret: str  # signs callbacks to a job's own URL while no endpoint is registered
    attempts: int
    retry_every: float
    timeout: float
    headers: dict[str, str] = field(default_factory=dict)
    max_endpoints: int | None = None  # per vendor; past it a registration gets invalid_parameter
    inferred: list[str] = field(default_factory=list)
    url_pattern: str = URL_PATTERN  # what a registered URL must match

    def role(self, operation: str) -> str | None:
        """'add', 'list' or 'delete' for one of these operations, else None."""
        return next((r for r in ("add", "list", "delete") if getattr(self, r) == operation), None)
