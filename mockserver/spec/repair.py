"""The repair: every lint finding's patch applied to the published document.

The result is the effective spec, which accepts everything the vendor is known to send
(and so everything the fake serves). The vendor's file itself is never changed.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from typing import Any

from .errors import pointer
from .lint import Finding, bare_enum, json_content
from .openapi import Operation, SpecFile
from .pointers import RefResolver, get, join, split_pointer
from .schema_view import normalize_31, type_allows


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
    elif action == "retype":  # the types bodies send: declared ones none sends are dropped
        node["type"] = retyped(node.get("type", []), value)
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


def retyped(declared: Any, sent: set[str]) -> list[str]:
    """Declared types some body sends (null kept: a vendor's nullable says so), then the sent ones."""
    declared = declared if isinstance(declared, list) else [declared]
    kept = [t for t in declared if t == "null" or t in sent or (t == "number" and "integer" in sent)]
    return kept + sorted(t for t in sent if not type_allows(set(kept), _SAMPLE[t]))


_SAMPLE = {
    "null": None,
    "boolean": True,
    "integer": 1,
    "number": 1.5,
    "string": "",
    "array": [],
    "object": {},
}


def effective_document(
    spec: SpecFile, findings: list[Finding], operations: Iterable[Operation] = ()
) -> dict[str, Any]:
    """The published document with every repair for its findings applied, and the fake's own
    rules on the operations it serves said where a client reads them."""
    doc = normalize_31(copy.deepcopy(spec.doc))
    order = {"enum": 0, "enum_add": 1}
    patches = [f.patch for f in findings if f.spec == spec.label and f.patch]
    for patch in sorted(patches, key=lambda p: order.get(p[0], 2)):
        apply_patch(doc, patch)
    add = spec.profile.webhooks.add if spec.profile.webhooks else None
    for op in operations:
        if op.spec is spec and op.name == add:
            document_registration(doc, spec, op)
        if op.spec is spec and op.resource and op.resource.paging and op.resource.paging.style == "token":
            document_token_refusal(doc, spec, op)
    doc["openapi"] = "3.1.0"
    return doc


def document_registration(doc: dict[str, Any], spec: SpecFile, op: Operation) -> None:
    """Webhook registration: the URL rule and the endpoint cap the fake enforces, each refused with
    the vendor's invalid_parameter error (its profile's), written into the operation."""
    hooks, err = spec.profile.webhooks, spec.profile.errors["invalid_parameter"]
    assert hooks is not None
    resolver = RefResolver(doc, spec.label)
    node = resolver.follow(op.pointer)[1]
    statuses = sorted({err.status, err.http_status or err.status})
    where = f"HTTP {err.status}" + (
        f", or HTTP {err.http_status} with --http-errors" if len(statuses) > 1 else ""
    )
    body = json.dumps(err.render("..."), ensure_ascii=False)
    refusal = f"the vendor's invalid_parameter error ({where}; body {body})"
    rules = [f"mockserver: `{hooks.url_field}` must be an http or https URL with a host."]
    cap = hooks.max_endpoints
    if cap is not None:
        rules.append(f"At most {cap} endpoints are registered at once.")
        if "max_endpoints" in hooks.inferred:
            rules.append(
                f"INFERRED: {spec.profile.vendor} documents no limit; mockserver keeps {cap} as a safety bound."
            )
        node["x-mock-max-endpoints"] = cap
    rules.append(f"A registration breaking a rule is refused with {refusal}.")
    node["description"] = "\n\n".join(filter(None, [node.get("description"), " ".join(rules)]))
    url = _property(
        resolver, join(op.pointer, "requestBody", "content", "application/json", "schema"), hooks.url_field
    )
    if url is not None:
        url["pattern"] = hooks.url_pattern
    for status in statuses:
        response = (node.get("responses") or {}).get(str(status))
        if isinstance(response, dict):
            said = response.get("description") or ""
            response["description"] = (
                f"{said} (also the refusal of a URL or of one endpoint too many)".strip()
            )


def document_token_refusal(doc: dict[str, Any], spec: SpecFile, op: Operation) -> None:
    """A token-paged list refuses a cursor it did not give with invalid_parameter: a well-formed
    string refused for what it means, which no schema can state (`x-mock-meaning-refusal`)."""
    err = spec.profile.errors["invalid_parameter"]
    resolver = RefResolver(doc, spec.label)
    node = resolver.follow(op.pointer)[1]
    responses = node.get("responses") or {}
    for status in sorted({err.status, err.http_status or err.status} - {200}):
        response = responses.get(str(status))
        if not isinstance(response, dict):
            continue
        if "$ref" in response:  # a shared response: this operation's own copy carries the mark
            response = responses[str(status)] = resolver.inline(join(op.pointer, "responses", str(status)))
        said = response.get("description") or ""
        response["description"] = f"{said} (also the refusal of a token this list did not give)".strip()
        response["x-mock-meaning-refusal"] = True


def _property(resolver: RefResolver, ptr: str, path: str) -> dict[str, Any] | None:
    """The schema of a dotted body field (`url`, `a.b`), through `properties` and `$ref`s."""
    try:
        for name in path.split("."):
            ptr = join(resolver.follow(ptr)[0], "properties", name)
        node = resolver.follow(ptr)[1]
    except KeyError:
        return None
    return node if isinstance(node, dict) else None
