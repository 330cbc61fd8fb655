"""A pointer-keeping view of schemas in a published document.

Lint findings must point into the vendor's file, so schema walks here never copy: they
follow `$ref` and `allOf` and return the JSON Pointer of each piece they read.
"""

from __future__ import annotations

from typing import Any

from .pointers import RefResolver, join

JSON_TYPES = {
    type(None): "null",
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
}


def json_type(value: Any) -> str:
    return JSON_TYPES.get(type(value), "object")


def type_allows(declared: set[str], value: Any) -> bool:
    kind = json_type(value)
    if kind in declared:
        return True
    if kind == "integer" and "number" in declared:
        return True
    return kind == "number" and "integer" in declared and float(value).is_integer()


class SchemaView:
    """Reads one schema of a document, across `$ref` and `allOf`, keeping pointers."""

    def __init__(self, resolver: RefResolver, ptr: str) -> None:
        self.resolver = resolver
        self.parts: list[tuple[str, dict[str, Any]]] = []
        self._collect(ptr, 0)

    def _collect(self, ptr: str, depth: int) -> None:
        if depth > 32:
            return
        ptr, node = self.resolver.follow(ptr)
        if not isinstance(node, dict):
            return
        self.parts.append((ptr, node))
        for i, _ in enumerate(node.get("allOf") or []):
            self._collect(join(ptr, "allOf", i), depth + 1)

    @property
    def pointer(self) -> str:
        return self.parts[0][0] if self.parts else ""

    def first(self, key: str) -> tuple[str, Any] | None:
        """The first part that says `key`, with its pointer."""
        for ptr, node in self.parts:
            if key in node:
                return ptr, node[key]
        return None

    def types(self) -> tuple[str, set[str]] | None:
        """Declared types (3.0 `nullable` counted as null), and where they are declared."""
        found = self.first("type")
        if found is None:
            return None
        ptr, declared = found
        kinds = set(declared) if isinstance(declared, list) else {str(declared)}
        if any(node.get("nullable") is True for _, node in self.parts):
            kinds.add("null")
        return ptr, kinds

    def properties(self) -> dict[str, str]:
        """Property name -> pointer of its schema, across allOf."""
        props: dict[str, str] = {}
        for ptr, node in self.parts:
            for name in node.get("properties") or {}:
                props.setdefault(name, join(ptr, "properties", name))
        return props

    def declares_object(self) -> str | None:
        """Pointer of the first part that declares properties, if any part does."""
        for ptr, node in self.parts:
            if isinstance(node.get("properties"), dict):
                return ptr
        return None

    def child(self, name: str) -> SchemaView | None:
        ptr = self.properties().get(name)
        return SchemaView(self.resolver, ptr) if ptr else None

    def items(self) -> SchemaView | None:
        found = self.first("items")
        return SchemaView(self.resolver, join(found[0], "items")) if found else None

    def at_path(self, dotted: str) -> SchemaView | None:
        view: SchemaView | None = self
        for name in dotted.split("."):
            view = view.child(name) if view else None
        return view

    def is_uri(self) -> bool:
        found = self.first("format")
        if found and found[1] == "uri":
            return True
        items = self.items()
        return bool(items and items.is_uri())

    def assemble(self, depth: int = 0) -> Any:
        """A body built from schema-level `example` values, for operations with no examples."""
        found = self.first("example")
        if found is not None:
            return found[1]
        if depth > 16:
            return None
        props = self.properties()
        if props:
            body = {}
            for name in props:
                value = SchemaView(self.resolver, props[name]).assemble(depth + 1)
                if value is not None or _has_example(self.resolver, props[name]):
                    body[name] = value
            return body
        return None


def _has_example(resolver: RefResolver, ptr: str) -> bool:
    return SchemaView(resolver, ptr).first("example") is not None


def normalize_31(node: Any) -> Any:
    """Rewrite OpenAPI 3.0 `nullable: true` as a 3.1 type list, in place; pointers stay valid."""
    if isinstance(node, dict):
        if node.get("nullable") is True and "type" in node:
            types = node["type"] if isinstance(node["type"], list) else [node["type"]]
            node["type"] = types + (["null"] if "null" not in types else [])
        node.pop("nullable", None)
        for v in node.values():
            normalize_31(v)
    elif isinstance(node, list):
        for v in node:
            normalize_31(v)
    return node
