"""Turning a chosen body into the bytes of one response.

The requested id replaces the example's id, and `created_at`/`updated_at` follow the fake's
clock. Only the dicts on the way to a changed field are copied, never the whole example.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
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
_HOLE = re.compile(rb'"\\u0000mock-([a-z]+)(?::([^"\\]*))?\\u0000"')

MediaLink = Callable[[str], bytes]  # asset name -> a signed URL on the fake, JSON-encoded
RenderKey = tuple[str, str | None, int, int, str]


class Template:
    """An example pre-rendered to bytes once, with holes where the id, timestamps and media links go.

    Serving an example is then a join of a few byte strings instead of a copy and an encode.
    """

    def __init__(self, name: str, body: Any, profile: Profile, media: bool = False) -> None:
        """`name` is unique across the fake (operation/example): it keys the shared `Recent` memo."""
        raw = dump(personalize_marks(body, profile, media))
        self.parts: list[bytes | tuple[str, str]] = []
        at = 0
        for m in _HOLE.finditer(raw):
            self.parts.append(raw[at : m.start()])
            self.parts.append((m.group(1).decode(), (m.group(2) or b"").decode()))
            at = m.end()
        self.parts.append(raw[at:])
        kinds = {p[0] for p in self.parts if isinstance(p, tuple)}
        self.has_media = "media" in kinds
        self.timed = bool(kinds & {"updated", "media"})  # changes as the clock moves on
        self.name = name

    def key(self, rid: str | None, created: float, now: float, base: str) -> RenderKey:
        """Everything this body depends on: an unfinished job's body stays the same until it moves on."""
        return (self.name, rid, int(created), int(now) if self.timed else 0, base if self.has_media else "")

    def render(self, rid: str | None, created: float, now: float, media: MediaLink | None = None) -> bytes:
        out: list[bytes] = []
        for part in self.parts:
            if isinstance(part, bytes):
                out.append(part)
            elif part[0] == "id":
                out.append(_dump_id(rid))
            elif part[0] == "created":
                out.append(str(int(created)).encode())
            elif part[0] == "updated":
                out.append(str(int(max(now, created))).encode())
            else:  # media: without a signer (no request to take the host from) the link is the asset name
                out.append(media(part[1]) if media else dump(part[1]))
        return b"".join(out)


class Recent:
    """The bytes rendered lately, by everything they were rendered from.

    A body is a pure function of its `Template.key`: a client polling a job in a loop asks for
    the same bytes many times a second, and signing its media links each time was most of such
    a request. Cleared when full, which is cheaper than LRU bookkeeping; a poll loop refills it
    within a second.
    """

    SIZE = 4096  # about 4 MB of bodies at most

    def __init__(self) -> None:
        self._made: dict[RenderKey, bytes] = {}

    def get(self, key: RenderKey) -> bytes | None:
        return self._made.get(key)

    def put(self, key: RenderKey, payload: bytes) -> bytes:
        if len(self._made) >= self.SIZE:
            self._made.clear()
        self._made[key] = payload
        return payload


_PLAIN_ID = re.compile(r"^[A-Za-z0-9_.:-]*$")


def _dump_id(rid: str | None) -> bytes:
    """Most ids need no JSON escaping: skip the encoder for them."""
    if rid is not None and _PLAIN_ID.match(rid):
        return b'"' + rid.encode() + b'"'
    return dump(rid)


def personalize_marks(body: Any, profile: Profile, media: bool = False) -> Any:
    """The body with markers where `personalize` would put the id and timestamps (and media links)."""
    for path in profile.id_fields:
        body = _replace(body, path, _ID)
    for path in profile.created_fields:
        if _present(body, path):
            body = _replace(body, path, _CREATED)
    for path in profile.updated_fields:
        if _present(body, path):
            body = _replace(body, path, _UPDATED)
    if media:
        for path, asset in profile.media.items():
            if _present(body, path):
                body = _replace(body, path, f"\x00mock-media:{asset}\x00")
    return body
