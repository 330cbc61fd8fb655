"""Lint findings, and the collector that merges those found at one place.

The same problem often shows in many bodies (every example with a null field); it is
reported once, at the schema that causes it, naming every body it was seen in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .openapi import SpecFile


@dataclass
class Finding:
    spec: str
    pointer: str
    kind: str
    message: str
    repair: str
    patch: tuple[str, str, Any] | None = field(default=None, repr=False)
    seen_in: list[str] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, str]:
        return {
            "spec": self.spec,
            "pointer": self.pointer,
            "kind": self.kind,
            "message": self.message,
            "repair": self.repair,
        }


class Findings:
    """Findings in the order first met, one per (spec, pointer, kind, key)."""

    def __init__(self) -> None:
        self.by_place: dict[tuple[str, str, str, str], Finding] = {}

    def add(
        self, spec: SpecFile, ptr: str, kind: str, key: str, make: Callable[[], Finding], seen: str = ""
    ) -> None:
        """`make` is only called for a new place, so a repeat costs no message building."""
        k = (spec.label, ptr, kind, key)
        if k not in self.by_place:
            self.by_place[k] = make()
        if seen and seen not in self.by_place[k].seen_in:
            self.by_place[k].seen_in.append(seen)

    def note(
        self,
        spec: SpecFile,
        ptr: str,
        kind: str,
        message: str,
        repair: str,
        patch: tuple[str, str, Any] | None = None,
        key: str = "",
    ) -> None:
        """A finding whose message is cheap to build (the rules over prose and values)."""
        self.add(spec, ptr, kind, key, lambda: Finding(spec.label, ptr, kind, message, repair, patch))

    def merged(self) -> list[Finding]:
        """Every finding, its message naming the bodies it was seen in."""
        out = list(self.by_place.values())
        for f in out:
            if f.seen_in:
                f.message = f"{f.message} (in {', '.join(f.seen_in)})"
        return out
