"""Every wrong `x-mock-resource` shape is one line (file, JSON pointer, problem, fix) and exit 2 at load."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from .conftest import HANG, run_cli
from .test_cli import MINI, assert_one_clear_line, write

RES = "/paths/~1v1~1thing~1{id}/get/x-mock-resource"
LIST = {"kind": "list", "items": "data.videos", "collection": "videos", "item": {"id": "{id}"}}
CASES: dict[str, tuple[Any, str, str]] = {  # name: (x-mock-resource, pointer under RES, problem)
    "not-mapping": ("list", "", "not a mapping"),
    "unknown-kind": ({"kind": "lists"}, "/kind", "unknown resource kind 'lists'"),
    "unknown-key": ({**LIST, "colection": "x"}, "/colection", "not a key of a list resource"),
    "list-no-collection": ({k: v for k, v in LIST.items() if k != "collection"}, "/collection", "without"),
    "items-absent": ({**LIST, "items": "data.nothing"}, "/items", "is not an array in the example"),
    "items-not-array": ({**LIST, "items": "data.total"}, "/items", "is not an array in the example"),
    "paging-style": ({**LIST, "paging": {"style": "offset"}}, "/paging/style", "paging style 'offset'"),
    "token-no-param": ({**LIST, "paging": {"style": "token"}}, "/paging/token", "without 'token'"),
    "paging-out": (
        {**LIST, "paging": {"style": "page", "page": "p", "out": {"data.t": "next"}}},
        "/paging/out/data.t",
        "unknown paging value 'next'",
    ),
    "paging-max": (
        {**LIST, "paging": {"style": "page", "page": "p", "size": "s", "max": 0}},
        "/paging/max",
        "",
    ),
    "item-not-mapping": ({**LIST, "item": "{id}"}, "/item", "'item' is not a mapping"),
    "catalog-not-objects": (
        {"kind": "catalog", "items": "data.numbers"},
        "/items",
        "item 0 of 'data.numbers' is not an object",
    ),
    "catalog-id-missing": (
        {"kind": "catalog", "items": "data.videos", "id": "voice_id"},
        "/id",
        "has no 'voice_id'",
    ),
    "example-unknown": ({**LIST, "example": "Nope"}, "/example", "no 200 example named 'Nope'"),
    "account-bad-field": (
        {"kind": "account", "fields": {"data.nope": 1}},
        "/fields/data.nope",
        "is not a number in the example",
    ),
    "account-field-text": (
        {"kind": "account", "fields": {"data.total": "x"}},
        "/fields/data.total",
        "number",
    ),
    "account-field-absent": (
        {"kind": "account", "fields": {"data.gone": 1}},
        "/fields/data.gone",
        "not a number",
    ),
    "at-without-item": ({"kind": "add", "collection": "c", "at": "data"}, "/at", "'at' without 'item'"),
    "at-nowhere": ({"kind": "add", "collection": "c", "at": "nope.x", "item": {"a": 1}}, "/at", "parent"),
    "filters-not-text": ({**LIST, "filters": {"q": 5}}, "/filters/q", "not a non-empty string"),
}


def _spec(resource: Any) -> str:
    doc = copy.deepcopy(MINI)
    get = doc["paths"]["/v1/thing/{id}"]["get"]
    get["x-mock-resource"] = resource
    example = {"data": {"videos": [{"id": "a"}], "numbers": [1, 2], "total": 2}}
    get["responses"]["200"]["content"]["application/json"]["examples"] = {"Ok": {"value": example}}
    return json.dumps(doc)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_resource_is_one_line_and_exit_2(tmp_path, case):
    resource, where, what = CASES[case]
    specs = tmp_path / "specs"
    write(specs, {"a.json": _spec(resource)})
    result = run_cli("lint", "--specs", str(specs), timeout=HANG)
    assert_one_clear_line(result, f"a.json:{RES}{where}:", what)


def test_a_good_resource_loads(tmp_path):
    specs = tmp_path / "specs"
    write(
        specs,
        {
            "a.json": _spec(
                {**LIST, "paging": {"style": "token", "token": "t", "out": {"data.t": "next_token"}}}
            )
        },
    )
    result = run_cli("lint", "--specs", str(specs), timeout=HANG)
    assert result.returncode == 0, result.stderr
