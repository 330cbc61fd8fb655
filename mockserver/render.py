"""Turning a chosen body into the bytes of one response.

The requested id replaces the example's id, and `created_at`/`updated_at` follow the fake's
clock. Only the dicts on the way to a changed field are copied, never the whole example.
"""

from __future__ import annotations

import json
import re
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
    """The body with this resource's id and timestamps (for bodies made per request)."""
    fills = {_ID: rid, _CREATED: int(created), _UPDATED: int(max(now, created))}

    def fill(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: fill(v) for k, v in node.items()}
        if isinstance(node, list):
            return [fill(v) for v in node]
        return fills[node] if isinstance(node, str) and node in fills else node

    return fill(personalize_marks(body, profile))


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


_ID = "\x00mock-id\x00"
_CREATED = "\x00mock-created\x00"
_UPDATED = "\x00mock-updated\x00"
_HOLES = {dump(mark): kind for kind, mark in (("id", _ID), ("created", _CREATED), ("updated", _UPDATED))}


class Template:
    """An example pre-rendered to bytes once, with holes where the id and timestamps go.

    Serving an example is then a join of a few byte strings instead of a copy and an encode.
    """

    def __init__(self, body: Any, profile: Profile) -> None:
        marked = personalize_marks(body, profile)
        parts: list[bytes | str] = [dump(marked)]
        for hole, kind in _HOLES.items():
            split: list[bytes | str] = []
            for part in parts:
                if isinstance(part, str):
                    split.append(part)
                    continue
                pieces = part.split(hole)
                for i, piece in enumerate(pieces):
                    if i:
                        split.append(kind)
                    split.append(piece)
            parts = split
        self.parts = parts

    def render(self, rid: str | None, created: float, now: float) -> bytes:
        values = {
            "id": _dump_id(rid),
            "created": str(int(created)).encode(),
            "updated": str(int(max(now, created))).encode(),
        }
        return b"".join(values[p] if isinstance(p, str) else p for p in self.parts)


_PLAIN_ID = re.compile(r"^[A-Za-z0-9_.:-]*$")


def _dump_id(rid: str | None) -> bytes:
    """Most ids need no JSON escaping: skip the encoder for them."""
    if rid is not None and _PLAIN_ID.match(rid):
        return b'"' + rid.encode() + b'"'
    return dump(rid)


def personalize_marks(body: Any, profile: Profile) -> Any:
    """The body with markers where `personalize` would put the id and timestamps."""
    for path in profile.id_fields:
        body = _replace(body, path, _ID)
    for path in profile.created_fields:
        if _present(body, path):
            body = _replace(body, path, _CREATED)
    for path in profile.updated_fields:
        if _present(body, path):
            body = _replace(body, path, _UPDATED)
    return body
