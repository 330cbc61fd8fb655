"""Derived bodies tell one story: nothing of a later state in an earlier one, no mockserver text.

States are ordered by the profile's status classes: progress < success, progress < failure.
What a later state fills: a success's results (its lists, its links), a failure's reason (the
profile's failure message fields). An earlier (or the other terminal) state fills none of them.
"""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.spec.catalog import Catalog
from mockserver.spec.paths import lookup

from ..conftest import KEY, SPECS

CATALOG = Catalog(SPECS)
DERIVED = [
    (op.name, ex.name)
    for op in CATALOG.operations.values()
    for ex in CATALOG.examples[op.name].values()
    if ex.derived
]


def leaves(body: Any, where: str = "") -> list[tuple[str, Any]]:
    if isinstance(body, dict):
        return [leaf for k, v in body.items() for leaf in leaves(v, f"{where}.{k}" if where else k)]
    return [(where, body)]


def results(body: Any) -> list[str]:
    """What only a finished job has: a filled list, or a link."""
    return [
        path
        for path, value in leaves(body)
        if (isinstance(value, list) and value) or (isinstance(value, str) and value.startswith("http"))
    ]


def test_every_derived_operation_is_walked():
    assert {op for op, _ in DERIVED} == {"joggai.avatar_video", "joggai.photo_avatar_photo"}


@pytest.mark.parametrize(("op_name", "status"), DERIVED, ids=[f"{o}-{s}" for o, s in DERIVED])
def test_no_field_of_a_later_state_is_filled(op_name, status):
    op = CATALOG.operations[op_name]
    profile = op.profile
    body = CATALOG.examples[op_name][status].body
    cls = profile.status_class(lookup(body, profile.status_field))
    success = CATALOG.by_class(op, "success")[0].body
    if cls != "success":
        assert results(body) == [], "a result of the success state in an earlier or failed one"
    reasons = [f for f in profile.failure_message_fields if isinstance(lookup(body, f), str)]
    envelope_msg = [f for f in reasons if "." not in f and lookup(body, f) != lookup(success, f)]
    assert envelope_msg == [], "a failure reason in the envelope, next to the success code"
    beside = [f for f in reasons if f.startswith(profile.status_field.rpartition(".")[0] + ".")]
    assert bool(beside) == (cls == "failure"), "a failure's reason goes beside its status, only there"


@pytest.mark.parametrize(("op_name", "status"), DERIVED, ids=[f"{o}-{s}" for o, s in DERIVED])
def test_no_vendor_body_says_mockserver(client, op_name, status):
    op = CATALOG.operations[op_name]
    p = op.id_parameter
    assert p is not None
    path = op.path.replace("{" + p.name + "}", "d1") if p.location == "path" else op.path
    params = {p.name: "d1"} if p.location == "query" else {}
    r = client.get(path, params=params, headers={**KEY, "Prefer": f"example={status}"})
    assert r.headers["x-mock-derived"] == "true"
    assert "mockserver" not in r.text.lower()


def test_the_reason_field_is_marked_inferred_in_the_effective_spec(catalog):
    op = catalog.operations["joggai.avatar_video"]
    schema = catalog.response_schema(op, 200)
    data = schema["allOf"][1]["properties"]["data"]["properties"]
    assert "x-mock-inferred" in data["error"]
    assert "x-mock-inferred" not in data["status"]


def test_success_photos_link_to_the_fakes_media(client):
    r = client.get(
        "/v2/photo_avatar/photo", params={"photo_id": "p1"}, headers={**KEY, "Prefer": "example=success"}
    )
    links = r.json()["data"]["image_url_list"]
    assert len(links) == 2
    for link in links:
        assert link.startswith("http://fake/__media/joggai/p1/thumbnail.jpg?")
        got = client.get(link)
        assert (got.status_code, got.headers["content-type"]) == (200, "image/jpeg")
