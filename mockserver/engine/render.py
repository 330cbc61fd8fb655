"""The one renderer: any body the fake serves, with this resource's id, times and media links.

Documented examples, scripted `status` bodies, fuzz draws and the bodies behind faults all
go through `Template`: the profile's id, `created_at`/`updated_at` and media fields become
holes, filled per request. Examples are pre-rendered to bytes once, so serving one is a
join of a few byte strings; webhooks take the same body as a value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ..spec.paths import lookup, present, replaced
from ..spec.profile import Profile
from .sendable import sendable

MediaLink = Callable[[str], str]  # asset name -> a signed URL on the fake
RenderKey = tuple[str, str | None, int, int, str, int]

_MARK = "\x00mock-"
_HOLE = re.compile(rb'"\\u0000mock-([a-z]+)(?::([^"\\]*))?\\u0000"')
_PLAIN_ID = re.compile(r"^[A-Za-z0-9_.:-]*$")


def dump(body: Any) -> bytes:
    """The body as JSON in UTF-8; never raises: a value that slipped past the checks where values
    come in (a lone surrogate, a NaN) is sent as U+FFFD or null rather than answered with a 500."""
    try:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        return json.dumps(sendable(body), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def marked(body: Any, profile: Profile, media: bool) -> Any:
    """The body with holes where the id, timestamps (and media links) go; copies only what changes."""
    for path in profile.id_fields:
        body = replaced(body, path, f"{_MARK}id\x00")
    for path in profile.created_fields:
        if present(body, path):
            body = replaced(body, path, f"{_MARK}created\x00")
    for path in profile.updated_fields:
        if present(body, path):
            body = replaced(body, path, f"{_MARK}updated\x00")
    for path in profile.completed_fields:  # a finished body's completed_at: when the job ended
        if lookup(body, path) is not None:
            body = replaced(body, path, f"{_MARK}updated\x00")
    if media:
        for path, asset in profile.media.items():
            found = lookup(body, path)
            if isinstance(found, list):  # a list of links (JoggAI's photos): each item links the asset
                body = replaced(body, path, [f"{_MARK}media:{asset}\x00" for _ in found])
            elif found is not None:
                body = replaced(body, path, f"{_MARK}media:{asset}\x00")
    return body


class Template:
    """One body, pre-rendered to bytes with holes, and able to fill them as bytes or as a value."""

    def __init__(self, name: str | None, body: Any, profile: Profile, media: bool = False) -> None:
        """`name` is unique across the fake (operation/example) and keys the shared `Rendered` memo;
        None for a body made per request, which is never memoized."""
        self.name = name
        self.value_template = marked(body, profile, media)
        raw = dump(self.value_template)
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

    def key(
        self, rid: str | None, created: float, now: float, base: str, updated: float | None = None
    ) -> RenderKey | None:
        """Everything this body depends on: an unfinished job's body stays the same until it moves on."""
        if self.name is None:
            return None
        timed = int(now) if self.timed else 0
        return (self.name, rid, int(created), timed, base if self.has_media else "", int(updated or 0))

    def render(
        self,
        rid: str | None,
        created: float,
        now: float,
        media: MediaLink | None = None,
        updated: float | None = None,
    ) -> bytes:
        """`updated` is when a finished job ended (its `updated_at` stays there); else it is `now`."""
        out: list[bytes] = []
        for part in self.parts:
            if isinstance(part, bytes):
                out.append(part)
            elif part[0] == "id":
                out.append(_dump_id(rid))
            elif part[0] == "created":
                out.append(str(int(created)).encode())
            elif part[0] == "updated":
                out.append(str(int(max(now if updated is None else updated, created))).encode())
            else:  # media: without a signer (no request to take the host from) the link is the asset name
                out.append(dump(media(part[1]) if media else part[1]))
        return b"".join(out)

    def value(self, rid: str | None, created: float, now: float, media: MediaLink | None = None) -> Any:
        """The same body as a value (for webhook payloads), without encoding it."""
        holes = {"id": rid, "created": int(created), "updated": int(max(now, created))}

        def fill(node: Any) -> Any:
            if isinstance(node, dict):
                return {k: fill(v) for k, v in node.items()}
            if isinstance(node, list):
                return [fill(v) for v in node]
            if isinstance(node, str) and node.startswith(_MARK):
                kind, _, asset = node[len(_MARK) : -1].partition(":")
                if kind == "media":
                    return media(asset) if media else asset
                return holes[kind]
            return node

        return fill(self.value_template)


class Rendered:
    """The bytes rendered lately, by their `Template.key`: a memo for the poll loop.

    A body is a pure function of its key: a client polling a job in a loop asks for the
    same bytes many times a second, and signing its media links each time was most of such
    a request. Cleared when full, which is cheaper than LRU bookkeeping; a poll loop refills
    it within a second.
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


def _dump_id(rid: str | None) -> bytes:
    """Most ids need no JSON escaping: skip the encoder for them."""
    if rid is not None and _PLAIN_ID.match(rid):
        return b'"' + rid.encode() + b'"'
    return dump(rid)
