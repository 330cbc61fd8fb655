"""The HeyGen v3 and JoggAI v2 supplement specs load, and their examples fit their own schemas.

Each new operation must load under its readable name, carry a named 200 example that validates
against the operation's own (published, not repaired) 200 schema, and, where it declares an
`x-mock-resource` with `items`, have an array at that path in the example it names.
"""

from __future__ import annotations

import copy

import jsonschema_rs
import pytest

from mockserver.spec.pointers import join
from mockserver.spec.profile import Profiles
from mockserver.spec.schema_view import normalize_31

from ..conftest import SPECS, run_cli

# HeyGen v3 specs ask for the heygen_v3 profile (`x-mock-profile`); until it exists they load under heygen.
V3 = "heygen_v3" if "heygen_v3" in Profiles().by_vendor else "heygen"
HEYGEN_V3 = {
    f"{V3}.users_me": "account",
    f"{V3}.voices": "catalog",
    f"{V3}.avatars": "catalog",
    f"{V3}.avatars_looks": "catalog",
    f"{V3}.post_videos": None,
    f"{V3}.videos": None,
    f"{V3}.videos_2": "list",
    f"{V3}.delete_videos": "delete",
}
JOGGAI = {
    "joggai.user_remaining_quota": "account",
    "joggai.user_whoami": "account",
    "joggai.avatars_public": "catalog",
    "joggai.avatars_custom": "catalog",
    "joggai.voices": "catalog",
    "joggai.voices_custom": "catalog",
    "joggai.post_upload_asset": "add",
    "joggai.post_create_video_with_template": None,
    "joggai.template_video": None,
    "joggai.template_videos": "list",
    "joggai.templates": "catalog",
    "joggai.post_product": "add",
    "joggai.post_create_video_from_product": None,
    "joggai.product_video": None,
    "joggai.product_videos": "list",
}
NEW = {**HEYGEN_V3, **JOGGAI}
STATUS_EXAMPLES = {
    f"{V3}.videos": {"pending", "processing", "completed", "failed"},
    "joggai.template_video": {"pending", "processing", "completed", "failed"},
    "joggai.product_video": {"processing", "completed", "failed"},
}


def _schema_200(op) -> dict:
    """The operation's own 200 schema, refs inlined, 3.0 `nullable` read as 3.1."""
    ptr = join(op.pointer, "responses", "200", "content", "application/json", "schema")
    return normalize_31(copy.deepcopy(op.spec.resolver.inline(ptr)))


def _examples_200(op) -> dict:
    media = op.raw["responses"]["200"]["content"]["application/json"]
    return {name: ex["value"] for name, ex in (media.get("examples") or {}).items()}


def _at(body, dotted: str):
    for part in dotted.split("."):
        body = body[part]
    return body


def test_every_new_operation_loads_with_its_kind(catalog):
    missing = sorted(set(NEW) - set(catalog.operations))
    assert not missing, missing
    kinds = {name: (catalog.operations[name].raw.get("x-mock-resource") or {}).get("kind") for name in NEW}
    assert kinds == NEW


@pytest.mark.parametrize("name", sorted(NEW))
def test_named_200_examples_fit_their_own_schema(catalog, name):
    op = catalog.operations[name]
    examples = _examples_200(op)
    assert examples, f"{name} has no named 200 example"
    validator = jsonschema_rs.validator_for(_schema_200(op))
    for ex_name, body in examples.items():
        errors = [e.message for e in validator.iter_errors(body)]
        assert not errors, (ex_name, errors)


@pytest.mark.parametrize("name", sorted(n for n in NEW if n in STATUS_EXAMPLES))
def test_status_operations_show_each_status(catalog, name):
    examples = _examples_200(catalog.operations[name])
    assert {body["data"]["status"] for body in examples.values()} == STATUS_EXAMPLES[name]


@pytest.mark.parametrize("name", sorted(n for n, kind in NEW.items() if kind))
def test_resource_items_path_is_an_array_in_its_example(catalog, name):
    op = catalog.operations[name]
    resource = op.raw["x-mock-resource"]
    examples = _examples_200(op)
    body = examples[resource.get("example") or next(iter(examples))]
    if "items" in resource:
        assert isinstance(_at(body, resource["items"]), list)
    for path in resource.get("fields") or {}:
        assert isinstance(_at(body, path), (int, float))
    if "at" in resource:
        assert isinstance(_at(body, resource["at"]), dict)


def test_every_supplement_operation_cites_its_source(catalog):
    for name in NEW:
        assert "Source: " in catalog.operations[name].raw["description"], name


def test_lint_still_exits_zero():
    result = run_cli("lint", "--specs", str(SPECS))
    assert result.returncode == 0, result.stderr
