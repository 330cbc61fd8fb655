"""The request journal and the violation log: bounded rings, never ever-growing lists."""

from __future__ import annotations

from collections import deque
from typing import Any


class Journal:
    """The last N entries, filterable by operation and id."""

    def __init__(self, size: int = 10_000) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self.total = 0

    def record(self, entry: dict[str, Any]) -> dict[str, Any]:
        self.total += 1
        entry["seq"] = self.total
        self._entries.append(entry)
        return entry

    def query(
        self, operation: str | None = None, rid: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        found = [
            e
            for e in list(self._entries)
            if (operation is None or e.get("operation") == operation) and (rid is None or e.get("id") == rid)
        ]
        return found[-limit:] if limit else found

    def clear(self, rid: str | None = None) -> None:
        if rid is None:
            self._entries.clear()
            return
        kept = [e for e in self._entries if e.get("id") != rid]
        self._entries.clear()
        self._entries.extend(kept)

    def __len__(self) -> int:
        return len(self._entries)
