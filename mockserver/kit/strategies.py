"""Hypothesis strategies for property-testing client code against what the vendors may send.

- `bodies(op)`: bodies valid under the effective spec, drawn by schemathesis's own JSON
  Schema generator (the response schema is handed to it as a request body, its public route).
- `vendor_bodies(op)`: documented bodies varied the ways the vendor really varies them.
- `timelines(op)`: whole timelines (statuses, HTTP errors, faults) in the scenario format, to
  register with the fake (`PUT /__mock/scenarios/{name}`, or `mockserver.register(...)`).
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from ..engine.options import DEFAULT_SCENARIOS, DEFAULT_SPECS
from ..engine.scenario import FAULTS
from ..engine.scenario_file import ScenarioLoader
from ..engine.variants import vendor_variant
from ..spec.bodies import status_of
from ..spec.catalog import Catalog
from ..spec.errors import ConfigError
from ..spec.openapi import Operation


@lru_cache(maxsize=8)
def _catalog(specs_dir: str) -> Catalog:
    return Catalog(Path(specs_dir))


def _resolve(operation: str | Operation, catalog: Catalog | None) -> tuple[Catalog, Operation]:
    catalog = catalog or _catalog(str(DEFAULT_SPECS))
    if isinstance(operation, Operation):
        return catalog, operation
    op = catalog.find(operation)
    if op is None:
        raise ValueError(f"unknown operation '{operation}'; use one of {', '.join(catalog.operations)}")
    return catalog, op


def _realistic(schema: dict[str, Any], examples: list[Any]) -> dict[str, Any]:
    """The schema with `required` set to the fields every documented body has, level by level."""
    schema = copy.deepcopy(schema)
    if isinstance(schema.get("allOf"), list):
        schema["allOf"] = [_realistic(part, examples) for part in schema["allOf"]]
    dicts = [e for e in examples if isinstance(e, dict)]
    props = schema.get("properties")
    if dicts and isinstance(props, dict):
        common = set(dicts[0]).intersection(*dicts[1:]) & set(props)
        schema["required"] = sorted(set(schema.get("required", [])) | common)
        for name in common:
            props[name] = _realistic(props[name], [d[name] for d in dicts])
    return schema


@lru_cache(maxsize=32)
def _reality(catalog: Catalog, op_name: str) -> tuple[tuple[str | None, dict[str, Any]], ...]:
    """The shipped library's vendor-reality steps for an operation: `status` bodies whose status word
    no documented example shows (JoggAI's `success`/`fail`, HeyGen's `training`), with its class."""
    op = catalog.operations[op_name]
    try:
        library = ScenarioLoader(catalog).load_dir(DEFAULT_SCENARIOS)
    except ConfigError:  # specs of your own: the shipped library names other operations
        return ()
    shown = {status_of(ex.body, op.profile) for ex in catalog.examples[op_name].values()}
    found: dict[str, tuple[str | None, dict[str, Any]]] = {}
    for scenario in library:
        for step in scenario.steps if scenario.operation == op_name else []:
            word = status_of(step.body, op.profile) if step.kind == "status" else None
            if str(step.value) == "200" and isinstance(word, str) and word not in shown:
                found.setdefault(word, (op.profile.status_class(word), {"status": 200, "body": step.body}))
    return tuple(found.values())


def bodies(
    operation: str | Operation, status: int = 200, *, catalog: Catalog | None = None, realistic: bool = True
) -> st.SearchStrategy[Any]:
    """Bodies the effective spec allows for one response of an operation."""
    import schemathesis

    catalog, op = _resolve(operation, catalog)
    schema = catalog.response_schema(op, status)
    if schema is None:
        raise ValueError(f"{op.name} has no JSON body for status {status}")
    if realistic:
        examples = [ex.body for ex in catalog.examples[op.name].values() if ex.status_code == status]
        schema = _realistic(schema, examples)
    document = {
        "openapi": "3.1.0",
        "info": {"title": "draw", "version": "1"},
        "paths": {
            "/draw": {
                "post": {
                    "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    operation_ = next(iter(schemathesis.openapi.from_dict(document).get_all_operations())).ok()
    return operation_.as_strategy().map(lambda case: case.body)


def vendor_bodies(
    operation: str | Operation, *, catalog: Catalog | None = None, errors: bool = True
) -> st.SearchStrategy[tuple[int, Any]]:
    """(HTTP status, body) pairs as the vendor really sends them: nulls, `complete` vs `completed`, errors."""
    catalog, op = _resolve(operation, catalog)
    variants = st.randoms(use_true_random=False).map(
        lambda rnd: vendor_variant(catalog, op, rnd, errors=errors)
    )
    reality = [(200, copy.deepcopy(step["body"])) for _, step in _reality(catalog, op.name)]
    return st.one_of(variants, st.sampled_from(reality)) if reality else variants


def timelines(
    operation: str | Operation,
    *,
    catalog: Catalog | None = None,
    max_progress: int = 4,
    faults: bool = True,
    http_errors: bool = True,
    finish: bool | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Whole scenarios: in-progress polls, with errors and faults mixed in, ending in success,
    failure, or (when `finish` is not True) never ending."""
    catalog, op = _resolve(operation, catalog)
    reality = _reality(catalog, op.name)
    progress: list[dict[str, Any]] = [{"example": ex.name} for ex in catalog.by_class(op, "progress")]
    progress += [step for cls, step in reality if cls == "progress"]
    endings: list[dict[str, Any]] = [
        {"example": ex.name} for cls in ("success", "failure") for ex in catalog.by_class(op, cls)
    ]
    endings += [step for cls, step in reality if cls in ("success", "failure")]
    interruptions: list[st.SearchStrategy[dict[str, Any]]] = []
    if http_errors:
        transient = sorted(name for name, err in op.profile.errors.items() if err.transient)
        interruptions.append(st.sampled_from(transient).map(lambda e: {"error": e}))
    if faults:
        interruptions.append(st.sampled_from(list(FAULTS)).map(lambda f: {"fault": f}))
    middle = st.sampled_from(progress) if progress else st.nothing()
    if interruptions:
        middle = st.one_of(middle, *interruptions) if progress else st.one_of(*interruptions)
    step = middle.flatmap(lambda s: st.integers(1, 3).map(lambda n: {**s, "polls": n}))
    if finish is True:
        last = st.sampled_from(endings)
    elif finish is False or not endings:
        last = st.sampled_from(progress or endings)
    else:
        last = st.one_of(st.sampled_from(endings), st.sampled_from(progress or endings))
    return st.builds(
        lambda steps, final, n: {"name": f"drawn-{n}", "operation": op.name, "steps": [*steps, final]},
        st.lists(step, max_size=max_progress),
        last,
        st.integers(0, 10**9),
    )


__all__ = ["bodies", "timelines", "vendor_bodies"]
