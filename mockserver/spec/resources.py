"""`x-mock-resource`: the role an operation plays in a collection, read and checked at load.

A supplement spec declares on an operation what it does with the caller's records (list,
add, update, trash, restore, delete), or that it lists a fixed catalog, or shows an account.
Every wrong shape is one `ConfigError` naming the file and the node, never a later 500.
The shape is checked when the operation is made (`parse_resource`); what needs the examples
(the envelope, its `items` array) is checked once the catalog has them (`check_resource`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigError
from .paths import lookup
from .pointers import join

KINDS = ("account", "catalog", "list", "add", "update", "trash", "restore", "delete")
RECORD_KINDS = ("list", "add", "update", "trash", "restore", "delete")  # each names a collection
OUTS = ("next_token", "has_more", "total", "page", "page_size", "total_pages")
_COMMON = {"kind", "example"}
_KEYS = {
    "account": {"fields"},
    "catalog": {"items", "id", "filters", "paging"},
    "list": {"items", "collection", "item", "statuses", "filters", "paging", "absent"},
    **{k: {"collection", "item", "at", "absent"} for k in ("add", "update", "trash", "restore", "delete")},
}
ABSENT = ("null", "omit")  # what an `item` field echoing a request field the caller left out shows
_NEEDED = {
    "account": (),  # without fields: the example as documented (a user profile)
    "catalog": ("items",),
    "list": ("items", "collection", "item"),
    **{k: ("collection",) for k in ("add", "update", "trash", "restore", "delete")},
}
_PAGING = {"style", "size", "default", "max", "token", "page", "out"}


@dataclass
class Paging:
    """How a list is cut into pages: by an opaque cursor (`token`) or by page number (`page`)."""

    style: str
    size: str | None = None  # the query parameter with the page size
    default: int | None = None  # the page size when absent; None: everything on one page
    max: int | None = None
    token: str | None = None  # style token: the query parameter carrying the cursor
    page: str | None = None  # style page: the query parameter with the page number
    out: dict[str, str] = field(default_factory=dict)  # answer path -> one of OUTS


@dataclass
class Resource:
    """One operation's `x-mock-resource`, as plain data."""

    kind: str
    label: str  # the spec file, and where the node is, for errors found later
    pointer: str
    example: str | None = None
    fields: dict[str, float] = field(default_factory=dict)  # account: path -> factor of the credit
    items: str | None = None
    id: str | None = None
    collection: str | None = None
    item: dict[str, Any] | None = None
    at: str | None = None
    statuses: dict[str, str] = field(default_factory=dict)
    filters: dict[str, str] = field(default_factory=dict)
    paging: Paging | None = None
    absent: str = "null"  # omit: a `{request.x}` field the request left out (or sent null) is left out

    def echoes(self) -> list[str]:
        """The item's fields that echo a request field, left out when absent (`absent: omit`)."""
        if self.absent != "omit" or not self.item:
            return []
        return [k for k, v in self.item.items() if isinstance(v, str) and v.startswith("{request.")]

    def fail(self, where: str, problem: str, fix: str) -> ConfigError:
        return ConfigError(
            self.label, join(self.pointer, *where.split("/")) if where else self.pointer, problem, fix
        )


def parse_resource(raw: Any, label: str, pointer: str) -> Resource | None:
    """The operation's `x-mock-resource` (at `pointer`), or None when it has none."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ConfigError(
            label, pointer, "x-mock-resource is not a mapping", "write 'kind: list' and its keys"
        )
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ConfigError(
            label, join(pointer, "kind"), f"unknown resource kind {kind!r}", f"use one of {', '.join(KINDS)}"
        )
    allowed = _COMMON | _KEYS[kind]
    for key in raw:
        if key not in allowed:
            raise ConfigError(
                label,
                join(pointer, str(key)),
                f"'{key}' is not a key of a {kind} resource",
                f"use only {', '.join(sorted(allowed))}",
            )
    for key in _NEEDED[kind]:
        if key not in raw:
            raise ConfigError(label, join(pointer, key), f"a {kind} resource without '{key}'", f"add '{key}'")
    res = Resource(kind=kind, label=label, pointer=pointer)
    res.example = _text(raw, "example", res)
    res.items = _text(raw, "items", res)
    res.id = _text(raw, "id", res)
    res.collection = _text(raw, "collection", res)
    res.at = _text(raw, "at", res)
    res.fields = _mapping(raw, "fields", res, number=True)
    res.statuses = _mapping(raw, "statuses", res)
    res.filters = _mapping(raw, "filters", res)
    if "item" in raw:
        if not isinstance(raw["item"], dict) or not raw["item"]:
            raise res.fail("item", "'item' is not a mapping of fields", "write '{video_id: \"{id}\", ...}'")
        res.item = raw["item"]
    if res.at is not None and res.item is None:
        raise res.fail("at", "'at' without 'item' (nothing to put there)", "add 'item', or remove 'at'")
    if "paging" in raw:
        res.paging = _paging(raw["paging"], res)
    res.absent = raw.get("absent", "null")
    if res.absent not in ABSENT:
        raise res.fail("absent", f"'absent' is {res.absent!r}", "write 'absent: null' or 'absent: omit'")
    return res


def _text(raw: dict[str, Any], key: str, res: Resource) -> str | None:
    value = raw.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise res.fail(
            key, f"'{key}' is not a non-empty string", f"write '{key}' as text, e.g. a dotted path"
        )
    return value


def _mapping(raw: dict[str, Any], key: str, res: Resource, number: bool = False) -> dict[str, Any]:
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict) or not value:
        raise res.fail(key, f"'{key}' is not a non-empty mapping", f"write '{key}: {{name: value}}'")
    for name, v in value.items():
        good = isinstance(v, (int, float)) and not isinstance(v, bool) if number else isinstance(v, str) and v
        if not good:
            want = "a number" if number else "a non-empty string"
            raise res.fail(f"{key}/{name}", f"'{key}.{name}' is not {want}", f"give '{name}' {want}")
    return {str(k): v for k, v in value.items()}


def _paging(raw: Any, res: Resource) -> Paging:
    if not isinstance(raw, dict):
        raise res.fail("paging", "'paging' is not a mapping", "write 'paging: {style: token, ...}'")
    for key in raw:
        if key not in _PAGING:
            raise res.fail(
                f"paging/{key}", f"'{key}' is not a paging key", f"use only {', '.join(sorted(_PAGING))}"
            )
    style = raw.get("style")
    if style not in ("token", "page"):
        raise res.fail("paging/style", f"paging style {style!r} is unknown", "use 'token' or 'page'")
    paging = Paging(style=style)
    for key in ("size", "token", "page"):
        setattr(paging, key, _text(raw, key, res))
    for key in ("default", "max"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise res.fail(f"paging/{key}", f"paging '{key}' is not a whole number of at least 1", "fix it")
        setattr(paging, key, value)
    if style == "token" and paging.token is None:
        raise res.fail(
            "paging/token", "token paging without 'token'", "name the query parameter: 'token: token'"
        )
    if style == "page" and paging.page is None and paging.size is not None:  # without a size: one page
        raise res.fail("paging/page", "page paging without 'page'", "name the query parameter: 'page: page'")
    if (paging.default is not None or paging.max is not None) and paging.size is None:
        raise res.fail(
            "paging/size", "a page size without 'size'", "name the size's query parameter: 'size: limit'"
        )
    out = raw.get("out") or {}
    if not isinstance(out, dict):
        raise res.fail("paging/out", "'out' is not a mapping", "write 'out: {data.token: next_token}'")
    for path, what in out.items():
        if what not in OUTS:
            raise res.fail(
                f"paging/out/{path}", f"unknown paging value {what!r}", f"use one of {', '.join(OUTS)}"
            )
    paging.out = {str(k): str(v) for k, v in out.items()}
    return paging


def check_resource(res: Resource, examples: dict[str, Any]) -> Any:
    """The envelope (the chosen 200 example's body), checked against the resource; ConfigError if wrong.

    `examples` maps example names to objects with `status_code` and `body` (the catalog's).
    """
    ok = {name: ex for name, ex in examples.items() if ex.status_code == 200}
    if res.example is not None and res.example not in ok:
        raise res.fail(
            "example", f"no 200 example named '{res.example}'", f"use one of {', '.join(ok) or '(none)'}"
        )
    if not ok:
        raise res.fail(
            "", f"a {res.kind} resource without a 200 example", "add a 200 response with an example"
        )
    body = ok[res.example or next(iter(ok))].body
    if res.items is not None:
        found = lookup(body, res.items)
        if not isinstance(found, list):
            raise res.fail(
                "items", f"'{res.items}' is not an array in the example", "point 'items' at the array"
            )
        if res.kind == "catalog":
            _check_catalog(res, found)
    for path in res.fields:
        if not isinstance(lookup(body, path), (int, float)):
            raise res.fail(
                f"fields/{path}", f"'{path}' is not a number in the example", "name a numeric field"
            )
    if res.at is not None and not _has_parent(body, res.at):
        raise res.fail(
            "at", f"the parent of '{res.at}' is not an object in the example", "point 'at' into it"
        )
    for path in res.paging.out if res.paging is not None else {}:
        if not _has_parent(body, path):
            raise res.fail(
                f"paging/out/{path}", f"the parent of '{path}' is not an object in the example", "fix it"
            )
    return body


def _has_parent(body: Any, path: str) -> bool:
    """`assign` can set the path in this body: its parent is an object."""
    parent, dot, _ = path.rpartition(".")
    return isinstance(lookup(body, parent) if dot else body, dict)


def _check_catalog(res: Resource, found: list[Any]) -> None:
    for i, item in enumerate(found):
        if not isinstance(item, dict):
            raise res.fail(
                "items", f"item {i} of '{res.items}' is not an object", "list objects in the example"
            )
        if res.id is not None and res.id not in item:
            raise res.fail(
                "id", f"item {i} of '{res.items}' has no '{res.id}'", "name a field every item has"
            )


def catalog_items(res: Resource, envelope: Any) -> list[dict[str, Any]]:
    """A catalog's items, as its example lists them (checked to be objects at load)."""
    return list(lookup(envelope, res.items or "") or [])
