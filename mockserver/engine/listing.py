"""Listing: a fixed catalog (voices, avatars) or the caller's collection, filtered and paged.

A catalog lists the items its example lists; a list shows the key's records, newest first,
each through the resource's `item` template. Pages are cut by an opaque cursor or by page
number, as the resource's `paging` says, and the answer's paging fields are set per page.
A cursor the fake did not make is refused in the vendor's envelope (`invalid_parameter`).
"""

from __future__ import annotations

import base64
import binascii
import copy
import math
from typing import TYPE_CHECKING, Any

from ..spec.openapi import Operation
from ..spec.paths import assign, lookup
from ..spec.resources import Paging, catalog_items
from .answer import Answer, Request
from .collection import CollectionResponder, collection_key, echo, record_values, uses_status
from .records import Record
from .responder import Responder

if TYPE_CHECKING:
    from .fake import Fake

_CURSOR = "mock:"  # inside the base64: a token names an offset into the filtered list
_MAX_CURSOR = 64
_MAX_DIGITS = 1000  # far past any list; bounds the work of reading the number


class BadPage(ValueError):
    """A page, size or cursor parameter the fake cannot read; its message names it."""


def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR}{offset}".encode()).decode().rstrip("=")


def decode_token(token: str) -> int | None:
    """The offset in a token this fake made, or None for anything else."""
    if len(token) > _MAX_CURSOR:
        return None
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        return None
    number = text.removeprefix(_CURSOR)
    if not text.startswith(_CURSOR) or not number.isascii() or not number.isdigit() or len(number) > 12:
        return None
    return int(number)


def _whole(query: dict[str, str], name: str | None, least: int = 1) -> int | None:
    """A whole number from the query, None when absent; BadPage when it is not one. A page past
    the end, however far, is an empty page (the specs set pages no maximum)."""
    raw = query.get(name) if name else None
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > _MAX_DIGITS or int(raw) < least:
        raise BadPage(f"{name} must be a whole number of at least {least}")
    return int(raw)


def cut(items: list[Any], paging: Paging | None, query: dict[str, str]) -> tuple[list[Any], dict[str, Any]]:
    """One page of the items, and the values its `out` paths take."""
    total = len(items)
    if paging is None:
        return items, {"total": total, "has_more": False, "next_token": None, "page": 1}
    # a size of 0 is the default (INFERRED: HeyGen documents `limit` 0 to 100 and says not what 0 does)
    size = _whole(query, paging.size, 0) or paging.default
    if size is not None and paging.max is not None and size > paging.max:
        raise BadPage(f"{paging.size} must be at most {paging.max}")  # refused, as the spec's maximum says
    page = 1
    if paging.style == "token":
        raw = query.get(paging.token or "")
        offset = decode_token(raw) if raw else 0
        if offset is None:
            raise BadPage(f"{paging.token} is not a token this list gave")
        page = offset // size + 1 if size else 1
    else:
        page = _whole(query, paging.page) or 1
        offset = (page - 1) * size if size else (0 if page == 1 else total)
    end = total if size is None else min(total, offset + size)
    more = end < total
    values = {
        "next_token": encode_token(end) if more and paging.style == "token" else None,
        "has_more": more,
        "total": total,
        "page": page,
        "page_size": size if size is not None else total,
        "total_pages": max(1, math.ceil(total / size)) if size else 1,
    }
    return items[offset:end], values


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


class ListResponder(Responder):
    """A catalog (`kind: catalog`) or the caller's collection (`kind: list`)."""

    def __init__(self, op: Operation, fake: Fake) -> None:
        super().__init__(op, fake)
        assert op.resource is not None
        self.res = op.resource
        self.envelope = fake.catalog.envelopes[op.name]
        self.items = catalog_items(self.res, self.envelope) if self.res.kind == "catalog" else []
        self.status = uses_status(self.res)

    def answer(self, request: Request, now: float) -> Answer:
        entry = self.entry(request, now, None)
        answer = self.validate(request, entry) or self.preferred(request, now, entry)
        if answer is None:
            try:
                answer = self.listing(request, now)
            except BadPage as exc:
                answer = self.error("invalid_parameter", str(exc))
        return self.done(answer, entry)

    def listing(self, request: Request, now: float) -> Answer:
        query = request.query
        if self.res.kind == "catalog":
            page, values = cut(
                [item for item in self.items if self.wanted(item, query)], self.res.paging, query
            )
        else:  # only the page's records are shown: a job's status is peeked for those alone
            page, values = cut(self.records(request, now), self.res.paging, query)
            page = [echo(self.res, self.values(record, request.base, now, self.status)) for record in page]
        body = copy.deepcopy(self.envelope)
        assign(body, self.res.items or "", page)
        for path, what in (self.res.paging.out if self.res.paging else {}).items():
            assign(body, path, values[what])
        return Answer(200, body)

    def records(self, request: Request, now: float) -> list[Record]:
        """The key's records this query asks for, newest first."""
        res, query = self.res, request.query
        trash = any(
            path == "trashed" and query.get(param, "").lower() == "true"
            for param, path in res.filters.items()
        )
        asked = any(query.get(param) for param in res.filters)
        by_status = asked and "status" in res.filters.values()
        shown = []
        for record in reversed(
            self.fake.store.records(collection_key(self.op, res.collection or "", request))
        ):
            if record.trashed and not trash:
                continue
            if not asked or self.wanted(self.values(record, request.base, now, by_status), query):
                shown.append(record)
        return shown

    def values(self, record: Record, base: str, now: float, status: bool) -> dict[str, Any]:
        """The record's placeholder values, its job's status word spelled as this list spells it."""
        values = record_values(self.fake, record, base, now, status)
        values["status"] = self.res.statuses.get(values["status"], values["status"])
        return values

    def wanted(self, values: Any, query: dict[str, str]) -> bool:
        """Every filter the query sets matches the value it names (compared as text)."""
        for param, path in self.res.filters.items():
            asked = query.get(param)
            if asked is None or asked == "":
                continue
            found = lookup(values, path)
            if _text(found).lower() != asked.lower() if isinstance(found, bool) else _text(found) != asked:
                return False
        return True


RESOURCE_RESPONDERS: dict[str, type[Responder]] = {
    "catalog": ListResponder,
    "list": ListResponder,
    **{kind: CollectionResponder for kind in ("add", "update", "trash", "restore", "delete")},
}
