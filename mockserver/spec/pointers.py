"""JSON Pointers (RFC 6901) into published documents, and `$ref` resolution.

Vendor specs are read exactly as published; everything that points into them (lint
findings, repairs, `$ref`) uses pointers into the original file.
"""

from __future__ import annotations

from typing import Any

from .errors import ConfigError, pointer


def unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def split_pointer(ptr: str) -> list[str]:
    if ptr in ("", "#"):
        return []
    ptr = ptr[1:] if ptr.startswith("#") else ptr
    return [unescape(p) for p in ptr.split("/")[1:]]


def get(doc: Any, ptr: str) -> Any:
    """The node at a pointer, or KeyError."""
    node = doc
    for part in split_pointer(ptr):
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node[part]
        else:
            raise KeyError(ptr)
    return node


def join(ptr: str, *parts: object) -> str:
    return ptr + pointer(*parts)


class RefResolver:
    """Follows local `$ref`s in one document, refusing dangling refs and cycles."""

    def __init__(self, doc: Any, label: str) -> None:
        self.doc = doc
        self.label = label

    def follow(self, ptr: str) -> tuple[str, Any]:
        """Resolve a chain of `$ref`s starting at ptr; return the final pointer and node."""
        seen: list[str] = []
        node = get(self.doc, ptr)
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#"):
                raise ConfigError(
                    self.label,
                    join(ptr, "$ref"),
                    f"external $ref '{ref}' is not supported",
                    "inline the referenced schema or use a '#/components/...' reference",
                )
            if ref in seen:
                raise ConfigError(
                    self.label,
                    join(ptr, "$ref"),
                    f"$ref cycle: {' -> '.join(seen + [ref])}",
                    "break the cycle so the schema ends in a concrete type",
                )
            seen.append(ref)
            try:
                node = get(self.doc, ref)
            except (KeyError, IndexError, ValueError):
                raise ConfigError(
                    self.label,
                    join(ptr, "$ref"),
                    f"$ref '{ref}' points nowhere",
                    "point it at an existing '#/components/...' entry",
                ) from None
            ptr = ref[1:]
        return ptr, node

    def doc_at(self, ptr: str) -> Any:
        """The node at ptr through its `$ref`s, or None where there is none."""
        try:
            return self.follow(ptr)[1]
        except (KeyError, IndexError, ValueError):
            return None

    def inline(self, ptr: str, stack: tuple[str, ...] = ()) -> Any:
        """A deep copy of the node at ptr with every `$ref` replaced by its target."""
        ptr, node = self.follow(ptr)
        if ptr in stack:
            raise ConfigError(
                self.label,
                ptr,
                "recursive schema through $ref",
                "the fake needs finite schemas; remove the self-reference",
            )
        return self._copy(ptr, node, stack + (ptr,))

    def _copy(self, ptr: str, node: Any, stack: tuple[str, ...]) -> Any:
        """Copy the children in hand; only a `$ref` is looked up again from the root."""
        if isinstance(node, dict):
            return {k: self._child(join(ptr, k), v, stack) for k, v in node.items()}
        if isinstance(node, list):
            return [self._child(join(ptr, i), v, stack) for i, v in enumerate(node)]
        return node

    def _child(self, ptr: str, node: Any, stack: tuple[str, ...]) -> Any:
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            return self.inline(ptr, stack)
        if isinstance(node, (dict, list)):
            return self._copy(ptr, node, stack + (ptr,))
        return node
