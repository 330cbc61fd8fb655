"""Each rule over prose, values and statuses, fed a minimal spec that triggers it and one that does not.

The specs are written to a temporary `specs/acme/` folder (the generic profile), so the rules are
shown to work on any spec, not on a list of known places.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mockserver.spec.lint import Linter
from mockserver.spec.openapi import load_specs

Doc = dict[str, Any]
PATH = "/v1/things/{thing_id}"


def base() -> Doc:
    """A spec none of the rules below finds anything in."""
    data = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "description": "Thing ID"},
            "status": {"type": "string", "enum": ["pending", "completed"]},
            "created_at": {"type": "integer", "description": "When the thing was created."},
            "thing_url": {"type": "string", "description": "URL of the thing."},
        },
    }
    ok = {
        "description": "Success",
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": {"data": data}},
                "examples": {"Done": {"value": {"data": {"id": "t1", "status": "completed"}}}},
            }
        },
    }
    op = {
        "summary": "Get a thing",
        "description": "Get a thing by its thing ID.",
        "operationId": "get-thing",
        "parameters": [
            {
                "name": "thing_id",
                "in": "path",
                "required": True,
                "description": "Thing ID from the create call",
                "schema": {"type": "string", "minLength": 1},
            }
        ],
        "responses": {"200": ok, "404": {"description": "Thing not found"}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "acme", "version": "1", "description": "The acme API."},
        "servers": [{"url": "https://api.acme.test"}],
        "paths": {PATH: {"get": op}},
    }


def _op(doc: Doc) -> Doc:
    return doc["paths"][PATH]["get"]


def _data(doc: Doc) -> Doc:
    return _op(doc)["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["data"]


def _example(doc: Doc) -> Doc:
    return _op(doc)["responses"]["200"]["content"]["application/json"]["examples"]["Done"]["value"]["data"]


def _set(doc: Doc, fn: Callable[[Doc], None]) -> Doc:
    fn(doc)
    return doc


def _sibling(doc: Doc, reason: bool) -> Doc:
    """A second operation whose status object has (or has not) a field for the reason."""
    other = copy.deepcopy(_op(doc))
    other["operationId"] = "get-widget"
    other["parameters"][0]["name"] = "widget_id"
    other["parameters"][0]["description"] = "Widget ID"
    other["summary"] = "Get a widget"
    other["description"] = "Get a widget by its widget ID."
    if reason:
        props = other["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
        props["data"]["properties"]["error"] = {"type": "string", "description": "Why it did not work."}
    doc["paths"]["/v1/widgets/{widget_id}"] = {"get": other}
    return doc


def _failing(doc: Doc) -> Doc:
    _data(doc)["properties"]["status"]["enum"] = ["pending", "completed", "failed"]
    return doc


# kind -> (a change that triggers the rule, a change that does not)
CASES: dict[str, tuple[Callable[[Doc], Any], Callable[[Doc], Any]]] = {
    "prose-vs-responses": (
        lambda d: (
            d["info"].update(description="All endpoints return standard HTTP status codes.")
            or d["paths"][PATH]["get"]["responses"].pop("404")
        ),
        lambda d: d["info"].update(description="All endpoints return standard HTTP status codes."),
    ),
    "prose-vs-servers": (
        lambda d: d["info"].update(description="Base URL: https://api.acme.test/v1"),
        lambda d: d["info"].update(description="Base URL: https://api.acme.test"),
    ),
    "copied-description": (
        lambda d: _data(d)["properties"]["thing_url"].update(description="When the thing was created."),
        lambda d: None,
    ),
    "broken-link": (
        lambda d: _op(d)["parameters"][0].update(
            description="See https://docs.acme.test/referencereference/x"
        ),
        lambda d: _op(d)["parameters"][0].update(description="See https://docs.acme.test/reference/x"),
    ),
    "missing-summary": (lambda d: _op(d).pop("summary"), lambda d: None),
    "empty-description": (lambda d: _op(d).update(description=""), lambda d: None),
    "prose-wrong-id": (
        lambda d: _op(d).update(description="Get a thing by its project ID."),
        lambda d: _op(d).update(description="Get a thing by its thing ID."),
    ),
    "example-time-order": (
        lambda d: _example(d).update(created_at=2000, thing_url="https://cdn.acme.test/t.mp4?Expires=1000"),
        lambda d: _example(d).update(created_at=2000, thing_url="https://cdn.acme.test/t.mp4?Expires=3000"),
    ),
    "placeholder-value": (
        lambda d: _example(d).update(thing_url="<thing_url>"),
        lambda d: _example(d).update(thing_url="https://cdn.acme.test/t.mp4"),
    ),
    "cross-spec-type": (
        lambda d: _data(d)["properties"]["created_at"].update(type="number"),
        lambda d: None,
    ),
    "failure-without-reason": (
        lambda d: _sibling(_failing(d), reason=True),
        lambda d: _sibling(_failing(d), reason=False),
    ),
    "failure-only-in-prose": (
        lambda d: (
            _data(d)["properties"]["status"].pop("enum")
            and _data(d)["properties"].update(error_msg={"type": "string", "description": "Why it failed."})
        ),
        lambda d: _data(d)["properties"].update(
            error_msg={"type": "string", "description": "Why it failed."}
        ),
    ),
    "status-against-meaning": (
        lambda d: _op(d)["responses"].update({"400": {"description": "Too many requests: rate limit"}}),
        lambda d: _op(d)["responses"].update({"429": {"description": "Too many requests: rate limit"}}),
    ),
}


def _kinds(tmp_path: Path, change: Callable[[Doc], Any], name: str) -> dict[str, list[Any]]:
    folder = tmp_path / name / "acme"
    folder.mkdir(parents=True)
    doc = _set(base(), change)
    (folder / "a.json").write_text(json.dumps(doc))
    if change is CASES["cross-spec-type"][0] or change is CASES["cross-spec-type"][1]:
        # a second document of the same vendor, with created_at an integer
        (folder / "b.json").write_text(json.dumps(_other_document()))
    _, operations = load_specs(folder.parent)
    out: dict[str, list[Any]] = {}
    for f in Linter().run(operations):
        out.setdefault(f.kind, []).append(f)
    return out


def _other_document() -> Doc:
    doc = base()
    doc["paths"] = {"/v1/gadgets/{gadget_id}": doc["paths"][PATH]}
    _op_params = doc["paths"]["/v1/gadgets/{gadget_id}"]["get"]
    _op_params["operationId"] = "get-gadget"
    _op_params["parameters"][0].update(name="gadget_id", description="Gadget ID")
    _op_params["description"] = "Get a gadget by its gadget ID."
    return doc


def test_the_base_spec_triggers_none_of_the_rules(tmp_path):
    found = _kinds(tmp_path, lambda d: None, "base")
    assert not set(found) & set(CASES), {k: [f.message for f in found[k]] for k in set(found) & set(CASES)}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_rule_triggers_on_a_minimal_spec(tmp_path, kind):
    trigger, quiet = CASES[kind]
    found = _kinds(tmp_path, trigger, "on")
    assert kind in found, sorted(found)
    for f in found[kind]:
        assert f.message and f.repair, f  # every finding says its repair, or why none is needed
    assert kind not in _kinds(tmp_path, quiet, "off")


def test_broken_link_repair_drops_the_doubled_word(tmp_path):
    (finding,) = _kinds(tmp_path, CASES["broken-link"][0], "on")["broken-link"]
    assert finding.patch[0] == "set"
    assert finding.patch[2] == "See https://docs.acme.test/reference/x"


def _everything(doc: Doc) -> Doc:
    """The base spec with every rule's trigger at once, so the shape test below reaches each rule."""
    for kind, (trigger, _) in CASES.items():
        if kind not in ("missing-summary", "prose-vs-responses"):
            trigger(doc)
    return doc


def test_every_node_of_the_wrong_kind_is_linted_or_refused_in_one_line(tmp_path):
    """The rules read hostile specs too: any node replaced by a value of the wrong kind."""
    from mockserver.spec.errors import ConfigError

    from .test_shape import WRONG, places, replaced

    doc = _everything(base())
    crashes = []
    for n, at in enumerate(list(places(doc))[1:]):
        for i, value in enumerate(WRONG):
            folder = tmp_path / f"{n}-{i}" / "acme"
            folder.mkdir(parents=True)
            (folder / "a.json").write_text(json.dumps(replaced(doc, at, value)))
            try:
                Linter().run(load_specs(folder.parent)[1])
            except ConfigError as exc:
                assert "\n" not in exc.line()
            except Exception as exc:  # noqa: BLE001 - any other exception is the defect
                crashes.append(f"{'/'.join(map(str, at))} = {value!r}: {type(exc).__name__}: {exc}")
    assert crashes == []


@pytest.mark.parametrize(
    "text",
    [
        "Delete a thing. An unknown ID is the vendor's not-found.",
        "Restore the thing's ID and its parent ID.",
        "Render from a thing, naming each scene's voice ID and video ID.",
    ],
    ids=["unknown", "owner", "body"],
)
def test_prose_wrong_id_stays_quiet_on_ids_that_name_no_other_resource(tmp_path, text):
    """Seen on the supplements: 'unknown ID', 'folder's ID', 'parent ID', and a body's several ids."""
    assert "prose-wrong-id" not in _kinds(tmp_path, lambda d: _op(d).update(description=text), "quiet")
