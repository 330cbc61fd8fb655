"""Bodies "as the vendor really sends": documented bodies, varied the ways vendors vary them.

Nulls where the effective spec allows them, the other spellings of a status that the
vendor uses (`complete` and `completed`, `waiting`), error envelopes. Driven by a
`random.Random`, so hypothesis (`st.randoms()`) and the seeded `fuzz` step share it.
"""

from __future__ import annotations

import copy
import random
from typing import Any

import jsonschema_rs

from .catalog import Catalog
from .examples import set_path, status_of
from .specs import Operation


def _status_words(catalog: Catalog, op: Operation) -> dict[str, list[str]]:
    """Status words of the effective enum (or the examples), by lifecycle class."""
    schema = catalog.response_schema(op, 200) or {}
    node: Any = schema
    for name in op.profile.status_field.split("."):
        node = (node.get("properties") or {}).get(name, {}) if isinstance(node, dict) else {}
    words = [w for w in node.get("enum", []) if isinstance(w, str)]
    words += [str(status_of(ex.body, op.profile)) for ex in catalog.examples[op.name].values()]
    out: dict[str, list[str]] = {}
    for word in dict.fromkeys(words):
        cls = op.profile.status_class(word)
        if cls:
            out.setdefault(cls, []).append(word)
    return out


def vendor_variant(
    catalog: Catalog, op: Operation, rnd: random.Random, errors: bool = True
) -> tuple[int, Any]:
    """One (HTTP status, body) the vendor may really send for this operation."""
    profile = op.profile
    if errors and rnd.random() < 0.15:
        err = profile.errors[rnd.choice(sorted(profile.errors))]
        return err.status, err.render()
    pool = [ex for ex in catalog.examples[op.name].values() if ex.status_code == 200]
    example = rnd.choice(pool)
    body = copy.deepcopy(example.body)
    schema = catalog.response_schema(op, 200) or {}
    words = _status_words(catalog, op)
    status = status_of(body, profile)
    cls = profile.status_class(status)
    if cls and rnd.random() < 0.5:
        set_path(body, profile.status_field, rnd.choice(words.get(cls, [status])))
    data = body.get("data") if isinstance(body, dict) else None
    props = ((schema.get("properties") or {}).get("data") or {}).get("properties") or {}
    if isinstance(data, dict):
        for name in sorted(data):
            if name in props and rnd.random() < 0.2 and jsonschema_rs.is_valid(props[name], None):
                data[name] = None
    if not jsonschema_rs.is_valid(schema, body):  # never hand out what the effective spec refuses
        body = copy.deepcopy(example.body)
    return 200, body
