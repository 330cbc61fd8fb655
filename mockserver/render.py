"""Turning a chosen body into the bytes of one response.

The requested id replaces the example's id, and `created_at`/`updated_at` follow the fake's
clock. Only the dicts on the way to a changed field are copied, never the whole example.
"""

from __future__ import annotations

import json
from typing import Any

from .profiles import Profile


def _replace(body: Any, dotted: str, value: Any) -> Any:
    """A copy of body with an existing dotted field set; body itself if the field is absent."""
    name, _, rest = dotted.partition(".")
    if not isinstance(body, dict) or name not in body:
        return body
    if rest:
        inner = _replace(body[name], rest, value)
        if inner is body[name]:
            return body
        value = inner
    out = dict(body)
    out[name] = value
    return out


def personalize(body: Any, profile: Profile, rid: str | None, created: float, now: float) -> Any:
    """The body with this resource's id and timestamps."""
    if rid is not None:
        for path in profile.id_fields:
            body = _replace(body, path, rid)
    for path in profile.created_fields:
        if _present(body, path):
            body = _replace(body, path, int(created))
    for path in profile.updated_fields:
        if _present(body, path):
            body = _replace(body, path, int(max(now, created)))
    return body


def _present(body: Any, dotted: str) -> bool:
    """The field exists and holds a value (a null `updated_at` stays null: not updated yet)."""
    node = body
    for name in dotted.split("."):
        if not isinstance(node, dict) or node.get(name) is None:
            return False
        node = node[name]
    return True


def dump(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
