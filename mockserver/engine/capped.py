"""A dict with a cap that forgets its least recently used entries: bounded state for endless ids."""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Capped(Generic[K, V]):
    """At most `cap` entries; a `get` or `put` makes an entry the most recent."""

    def __init__(self, cap: int) -> None:
        if cap < 1:
            raise ValueError("a cap must be at least 1")
        self.cap = cap
        self.items: OrderedDict[K, V] = OrderedDict()
        self.evicted = 0

    def __len__(self) -> int:
        return len(self.items)

    def get(self, key: K) -> V | None:
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> list[V]:
        """Store the value; the entries forgotten to make room for it."""
        self.items[key] = value
        self.items.move_to_end(key)
        forgotten = []
        while len(self.items) > self.cap:
            forgotten.append(self.items.popitem(last=False)[1])
            self.evicted += 1
        return forgotten

    def pop(self, key: K) -> V | None:
        return self.items.pop(key, None)

    def clear(self) -> None:
        self.items.clear()
