"""An operation's own documented error examples: where its spec shows the vendor's words for an error.

An error of fixed words (not-found, unauthorized) is answered with the call's own example of that
status where its spec has one ("Folder not found", HeyGen v3's per-code 404s), rather than the
profile's one body for the whole vendor. An error that says what was wrong (`{detail}`, as
invalid_parameter does) keeps the profile's body, since a fixed example would name another fault.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..spec.bodies import Example
from ..spec.openapi import Operation


class DocumentedErrors:
    """The operation's non-2xx examples (derived ones aside), by HTTP status."""

    def __init__(self, op: Operation, examples: Iterable[Example]) -> None:
        self.op = op
        self.by_status: dict[int, list[Example]] = {}
        for ex in examples:
            if ex.status_code >= 400 and not ex.derived:
                self.by_status.setdefault(ex.status_code, []).append(ex)

    def example(self, name: str, status: int) -> Example | None:
        """The call's documented example for this error: the only one of its status, or the one that
        names it (HeyGen v3's 404s: `avatar_not_found`, `voice_not_found`)."""
        found = self.by_status.get(status) or []
        if len(found) == 1:
            return found[0]
        code = str(self.op.profile.errors[name].render())
        return next((ex for ex in found if ex.name == name or f"'{ex.name}'" in code), None)
