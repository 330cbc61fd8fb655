"""The repair: every lint finding's patch applied to the published document.

The result is the effective spec, which accepts everything the vendor is known to send
(and so everything the fake serves). The vendor's file itself is never changed.
"""

from __future__ import annotations

import copy
from typing import Any

from .errors import pointer
from .lint import Finding, bare_enum, json_content
from .openapi import SpecFile
from .pointers import get, split_pointer
from .schema_view import normalize_31


def apply_patch(doc: Any, patch: tuple[str, str, Any]) -> None:
    action, ptr, value = patch
    if action in ("set", "remove"):
        *parents, last = split_pointer(ptr)
        parent = get(doc, pointer(*parents))
        if action == "set":
            parent[last] = value
        else:
            del parent[last]
        return
    node = get(doc, ptr)
    if action == "types":
        types = node.get("type", [])
        types = types if isinstance(types, list) else [types]
        if value not in types:
            node["type"] = types + [value]
        if value == "null" and "enum" in node and None not in node["enum"]:
            node["enum"] = node["enum"] + [None]
    elif action == "enum":
        node["enum"] = list(value)
    elif action == "enum_add":
        node["enum"] = bare_enum(node.get("enum", [])) + (
            [value] if value not in node.get("enum", []) else []
        )
    elif action == "property":
        name, kind = value
        node.setdefault("properties", {})[name] = {"type": kind}
    elif action == "merge":
        node.update(copy.deepcopy(value))
    elif action == "content":
        node["content"] = json_content(value)
    elif action == "examples":
        node["examples"] = {
            ex.name: {
                "summary": f"{ex.name} (derived by mockserver from schema-level examples)",
                "x-mock-derived": True,
                "value": ex.body,
            }
            for ex in value
        }


def effective_document(spec: SpecFile, findings: list[Finding]) -> dict[str, Any]:
    """The published document with every repair for its findings applied."""
    doc = normalize_31(copy.deepcopy(spec.doc))
    order = {"enum": 0, "enum_add": 1}
    patches = [f.patch for f in findings if f.spec == spec.label and f.patch]
    for patch in sorted(patches, key=lambda p: order.get(p[0], 2)):
        apply_patch(doc, patch)
    doc["openapi"] = "3.1.0"
    return doc
