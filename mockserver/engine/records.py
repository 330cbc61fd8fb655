"""Records of the caller's collections (videos, folders, uploads), per API key, bounded.

A collection of one API key holds what that key added or created, newest last. Two caps
keep it bounded: records per (collection, key), and records in the whole fake; past either
the oldest goes. Deleted jobs leave a tombstone, so their status answers `not_found`.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from .capped import Capped

Key = tuple[str, str]  # (collection, API key); for tombstones (status operation, id)


@dataclass(slots=True, eq=False)
class Record:
    """One record: its id, when it was made, the body that made it, and what became of it."""

    rid: str
    created: float
    request: dict[str, Any] = field(default_factory=dict)
    trashed: bool = False
    job: str | None = None  # the status operation its job is polled on, if a create call made it
    content_type: str = ""
    upload: bool = False  # it hands out an upload URL: its bytes come by PUT there
    uploaded: bool = False  # its bytes have come (in the add itself, or by PUT to its upload URL)
    size: int = 0  # how many bytes came (they are not kept)


class Records:
    """Every collection of every key; not thread-safe on its own (the store holds the lock)."""

    def __init__(self, cap: int, per_key: int) -> None:
        self.cap = cap
        self.per_key = per_key
        self._by_key: dict[Key, OrderedDict[str, Record]] = {}
        self._order: OrderedDict[tuple[Key, str], None] = OrderedDict()  # oldest first, all keys
        self._where: dict[str, Key] = {}  # id -> its collection, for uploads by id alone
        self._gone: Capped[Key, bool] = Capped(cap)
        self.evicted = 0

    def __len__(self) -> int:
        return len(self._order)

    def put(self, key: Key, record: Record) -> None:
        """A new record goes last; a changed one keeps its place."""
        own = self._by_key.get(key)
        if own is not None and record.rid in own:
            own[record.rid] = record
            return
        self.remove_id(record.rid)
        self._by_key.setdefault(key, OrderedDict())[record.rid] = record
        self._order[(key, record.rid)] = None
        self._where[record.rid] = key
        if record.job is not None:
            self._gone.pop((record.job, record.rid))  # an id created again is alive again
        own = self._by_key[key]
        while len(own) > self.per_key:
            self._drop(key, next(iter(own)))
        while len(self._order) > self.cap:
            self._drop(*next(iter(self._order)))

    def _drop(self, key: Key, rid: str) -> None:
        self.remove(key, rid)
        self.evicted += 1

    def all(self, key: Key) -> list[Record]:
        return list(self._by_key.get(key, {}).values())

    def get(self, key: Key, rid: str) -> Record | None:
        return self._by_key.get(key, {}).get(rid)

    def find(self, rid: str) -> tuple[Key, Record] | None:
        key = self._where.get(rid)
        record = self.get(key, rid) if key is not None else None
        return (key, record) if key is not None and record is not None else None

    def remove(self, key: Key, rid: str) -> Record | None:
        own = self._by_key.get(key)
        record = own.pop(rid, None) if own is not None else None
        if record is None:
            return None
        if not own:
            del self._by_key[key]
        self._order.pop((key, rid), None)
        if self._where.get(rid) == key:
            del self._where[rid]
        return record

    def bury(self, key: Key) -> None:
        self._gone.put(key, True)

    def buried(self, key: Key) -> bool:
        return key in self._gone.items

    def remove_id(self, rid: str) -> int:
        """Forget one id in every collection; how many records went."""
        keys = [k for k, own in self._by_key.items() if rid in own]
        for key in keys:
            self.remove(key, rid)
        return len(keys)

    def forget_id(self, rid: str) -> int:
        """Forget one id everywhere, its tombstones too (a reset of that id)."""
        for key in [k for k in self._gone.items if k[1] == rid]:
            self._gone.pop(key)
        return self.remove_id(rid)

    def clear(self) -> int:
        held = len(self._order)
        self._by_key.clear()
        self._order.clear()
        self._where.clear()
        self._gone.clear()
        return held
