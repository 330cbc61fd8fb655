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

from ..spec.bodies import status_of
from ..spec.catalog import Catalog
from ..spec.openapi import Operation
from ..spec.paths import assign, lookup


def _status_words(catalog: Catalog, op: Operation) -> dict[str, list[str]]:
    """Status words of the effective enum (or the examples), by lifecycle class."""
    node = _schema_at(catalog.response_schema(op, 200) or {}, op.profile.status_field)
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
        assign(body, profile.status_field, rnd.choice(words.get(cls, [status])))
    envelope = profile.status_field.rpartition(".")[0]  # `data` of `data.status`
    data = lookup(body, envelope) if envelope else body
    props = _schema_at(schema, envelope).get("properties") or {}
    if isinstance(data, dict):
        for name in sorted(data):
            if name in props and rnd.random() < 0.2 and jsonschema_rs.is_valid(props[name], None):
                data[name] = None
    if not jsonschema_rs.is_valid(schema, body):  # never hand out what the effective spec refuses
        body = copy.deepcopy(example.body)
    return 200, body


def _schema_at(schema: dict[str, Any], dotted: str) -> dict[str, Any]:
    """The schema of the field at a dotted path, through `properties`; {} where it is not declared."""
    node: Any = schema
    for name in dotted.split(".") if dotted else []:
        node = (node.get("properties") or {}).get(name, {}) if isinstance(node, dict) else {}
    return node if isinstance(node, dict) else {}
