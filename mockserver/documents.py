"""Reading JSON and YAML documents, and walking them by JSON Pointer.

Vendor specs are read exactly as published; everything that points into them
(lint findings, repairs, `$ref`) uses RFC 6901 pointers into the original file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError, pointer, yaml_place

MAX_BYTES = 10 * 1024 * 1024


# libyaml's parser where PyYAML was built with it (PyPI's wheels are): start-up is mostly
# reading YAML, and the C parser does it about ten times faster. Same errors, same marks.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(SafeLoader):
    """SafeLoader that keeps YAML dates and times as plain strings, like JSON would."""


_UniqueKeyLoader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_document(path: Path, label: str | None = None) -> Any:
    """Parse a JSON or YAML file, turning every failure into one ConfigError line."""
    label = label or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ConfigError(label, "", f"cannot read the file ({exc.strerror})", "check the path") from None
    if size > MAX_BYTES:
        raise ConfigError(
            label, "", f"file is {size // 1024 // 1024} MB, over the 10 MB limit", "split it or remove it"
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(label, f"byte {exc.start}", "file is not UTF-8 text", "save it as UTF-8") from None
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                label, yaml_place(exc), f"invalid JSON ({exc.msg})", "fix the JSON syntax there"
            ) from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(
            label, yaml_place(exc), f"invalid YAML ({problem})", "fix the YAML syntax there"
        ) from None


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
