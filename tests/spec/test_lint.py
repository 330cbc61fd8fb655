"""The lint finds every contradiction by machine, and the effective spec accepts every served body."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import jsonschema_rs
import pytest

from mockserver.spec.catalog import Catalog

from ..conftest import ALL_OPERATIONS, KEY, SPECS, run_cli

# Pinned over the five vendor files (byte-identical to the vendor pages, so these counts move only when a
# rule changes); supplement findings are left out, since supplements grow. Change only with a reason.
VENDOR_KINDS = {
    "enum-with-description": 7,  # 4 in video status, 3 in digital twin
    "example-is-text": 5,  # the five video-status examples
    "example-null": 17,  # string/number/integer/object fields sent as null (2: JoggAI's data, by the fake's errors)
    "example-outside-enum": 2,  # 'waiting' (video status), 'complete' (digital twin)
    "example-type-mismatch": 2,  # code 100 vs string, error object vs string
    "missing-examples": 2,  # both JoggAI operations
    "missing-operation-id": 2,  # both JoggAI operations
    "odd-operation-id": 1,  # get_v2video_avatar{avatar_id}
    "empty-required-id": 5,  # every operation's id parameter is a plain string
    "response-without-schema": 4,  # video status 400/404/424, digital twin 404
    "undeclared-field": 2,  # error_message in the twin's failed examples; JoggAI's derived failure reason
    "status-spelling": 16,  # the profile's terminal words a status enum leaves out (JoggAI's success, fail)
    "undocumented-error": 5,  # each vendor operation: error statuses the spec omits
    "prose-vs-responses": 2,  # JoggAI's "standard HTTP status codes", in both files
    "prose-vs-servers": 2,  # JoggAI's base URL https://api.jogg.ai/v2, in both files
    "copied-description": 1,  # training status updated_at says "initiated"
    "example-time-order": 1,  # the Completed video_url expires before created_at
    "placeholder-value": 2,  # '<preview_image_url>', '<preview_video_url>'
    "broken-link": 1,  # .../referencereference/...
    "failure-without-reason": 1,  # JoggAI's avatar video 'failed'
    "failure-only-in-prose": 1,  # training status: error_msg speaks of failure, no failed status anywhere
    "cross-spec-type": 1,  # video status created_at number, integer in the two other HeyGen pages
    "status-against-meaning": 2,  # a rate limit as 400, "invalid parameters" as 424
    "missing-summary": 1,  # the digital twin
    "empty-description": 1,  # the digital twin's operation description ""
}

TS = "/paths/~1v2~1photo_avatar~1train~1status~1{group_id}/get"
TWIN = "/paths/~1v2~1video_avatar~1{avatar_id}/get"
VS = "/paths/~1v1~1video_status.get/get"
JSON200 = "/responses/200/content/application~1json"
# The places issue 15 lists (item 3), one or more per rule, found by machine.
ISSUE_15_PLACES = [
    ("avatar_video.yaml", "prose-vs-responses", "/info/description"),
    ("photo_avatar_status.yaml", "prose-vs-responses", "/info/description"),
    ("avatar_video.yaml", "prose-vs-servers", "/info/description"),
    (
        "photo_avatar_train_status.json",
        "copied-description",
        TS + JSON200 + "/schema/properties/data/properties/updated_at/description",
    ),
    ("video_status.json", "example-time-order", VS + JSON200 + "/examples/Completed/value"),
    ("video_avatar_status.json", "placeholder-value", TWIN + JSON200 + "/examples/Complete/value"),
    ("video_avatar_status.json", "broken-link", TWIN + "/parameters/0/description"),
    (
        "avatar_video.yaml",
        "failure-without-reason",
        "/paths/~1v2~1avatar_video~1{id}/get" + JSON200 + "/schema/allOf/1/properties/data",
    ),
    (
        "photo_avatar_train_status.json",
        "failure-only-in-prose",
        TS + JSON200 + "/schema/properties/data/properties/status",
    ),
    ("video_status.json", "cross-spec-type", VS + JSON200 + "/schema/properties/data/properties/created_at"),
    ("video_status.json", "status-against-meaning", VS + "/responses/400/description"),
    ("video_status.json", "status-against-meaning", VS + "/responses/424/description"),
    ("video_avatar_status.json", "missing-summary", TWIN),
    ("video_avatar_status.json", "empty-description", TWIN + "/description"),
]


def test_finding_counts_per_kind_in_the_vendor_files(catalog):
    vendor = [f for f in catalog.findings if "supplement" not in Path(f.spec).parts]
    assert dict(Counter(f.kind for f in vendor)) == VENDOR_KINDS


@pytest.mark.parametrize(("name", "kind", "pointer"), ISSUE_15_PLACES, ids=lambda v: str(v)[-24:])
def test_issue_15_places_are_found(catalog, name, kind, pointer):
    assert (name, kind, pointer) in {(Path(f.spec).name, f.kind, f.pointer) for f in catalog.findings}


def test_every_finding_says_its_repair(catalog):
    assert [f for f in catalog.findings if not f.repair.strip()] == []


def test_specific_findings(catalog):
    by = {(Path(f.spec).name, f.kind, f.pointer) for f in catalog.findings}
    vs = "/paths/~1v1~1video_status.get/get/responses/200/content/application~1json"
    assert ("video_status.json", "example-type-mismatch", vs + "/schema/properties/code") in by
    assert (
        "video_status.json",
        "example-type-mismatch",
        vs + "/schema/properties/data/properties/error",
    ) in by
    assert (
        "video_status.json",
        "example-outside-enum",
        vs + "/schema/properties/data/properties/status/enum",
    ) in by
    assert (
        "video_status.json",
        "enum-with-description",
        vs + "/schema/properties/data/properties/status/enum/0",
    ) in by
    twin = "/paths/~1v2~1video_avatar~1{avatar_id}/get"
    assert (
        "video_avatar_status.json",
        "undeclared-field",
        twin + "/responses/200/content/application~1json/schema/properties/data",
    ) in by
    assert ("video_avatar_status.json", "response-without-schema", twin + "/responses/404") in by
    assert ("avatar_video.yaml", "missing-operation-id", "/paths/~1v2~1avatar_video~1{id}/get") in by


def test_every_pointer_resolves_in_its_file(catalog):
    from mockserver.spec.pointers import get
    from mockserver.spec.reader import read_document

    for f in catalog.findings:
        get(read_document(Path(f.spec)), f.pointer)


def _served_bodies(catalog):
    for op in catalog.operations.values():
        for ex in catalog.examples[op.name].values():
            yield op, ex.status_code, ex.body, f"example {ex.name}"
        if op.spec.doc.get("x-mock-profile", op.vendor) != op.vendor:
            continue  # the spec's own profile (heygen_v3) is not loaded yet: these are not its errors
        for err in op.profile.errors.values():
            for status in {err.status, err.http_status or err.status}:
                yield op, status, err.render("detail"), f"error {err.name}"


def test_every_served_body_validates_against_effective_spec(catalog):
    checked = 0
    for op, status, body, label in _served_bodies(catalog):
        schema = catalog.response_schema(op, status)
        assert schema is not None, (op.name, status)
        errors = [e.message for e in jsonschema_rs.Draft202012Validator(schema).iter_errors(body)]
        assert errors == [], (op.name, label, errors)
        checked += 1
    assert checked > 60


def test_published_spec_rejects_what_the_vendor_sends(catalog):
    published = catalog.published()
    op = catalog.operations["heygen.video_status"]
    schema = published["paths"][op.route]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    failed = catalog.examples[op.name]["Failed"].body
    errors = list(jsonschema_rs.Draft202012Validator(schema).iter_errors(failed))
    # 7 nulls, code 100 vs string, error object vs string, 'failed' vs the descriptive enum
    assert len(errors) == 10, [e.message for e in errors]


def test_a_new_contradiction_is_found_by_machine(tmp_path):
    """Add an example that breaks its schema to a copy of a spec: the lint finds it, the repair accepts it."""
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    target = specs / "heygen" / "photo_avatar_train_status.json"
    doc = json.loads(target.read_text())
    media = doc["paths"]["/v2/photo_avatar/train/status/{group_id}"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]
    media["examples"]["Odd"] = {
        "value": {"error": None, "data": {"status": "ready", "created_at": "yesterday", "extra": 1}}
    }
    target.write_text(json.dumps(doc))
    before = Counter(f.kind for f in Catalog(SPECS).findings)
    catalog = Catalog(specs)
    after = Counter(f.kind for f in catalog.findings)
    assert after["example-type-mismatch"] == before["example-type-mismatch"] + 1
    assert after["undeclared-field"] == before["undeclared-field"] + 1
    op = catalog.operations["heygen.photo_avatar_train_status"]
    schema = catalog.response_schema(op, 200)
    assert jsonschema_rs.is_valid(schema, catalog.examples[op.name]["Odd"].body)


def test_lint_json_cli():
    result = run_cli("lint", "--json", "--specs", "specs")
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)
    assert len(findings) == len(Catalog(SPECS).findings)
    for f in findings:
        assert set(f) == {"spec", "pointer", "kind", "message", "repair"}
        assert f["spec"].startswith("specs/")
        assert f["pointer"].startswith("/")


def test_lint_human_cli():
    result = run_cli("lint")
    assert result.returncode == 0
    assert "example-outside-enum" in result.stdout
    catalog = Catalog(SPECS)
    assert f"{len(catalog.findings)} findings in {len(catalog.specs)} specs" in result.stdout


def test_effective_spec_exported_and_served(client):
    result = run_cli("spec", "--effective")
    assert result.returncode == 0
    exported = json.loads(result.stdout)
    served = client.get("/__mock/openapi.json").json()
    assert exported["paths"].keys() == served["paths"].keys()
    assert served["openapi"] == "3.1.0"
    ops = {op["operationId"] for item in served["paths"].values() for op in item.values()}
    assert ops == ALL_OPERATIONS
    status = served["paths"]["/v1/video_status.get"]["get"]["responses"]["200"]["content"]["application/json"]
    assert status["schema"]["properties"]["data"]["properties"]["status"]["enum"] == [
        "pending",
        "failed",
        "completed",
        "processing",
        "fail",  # the profile's other terminal words (status-spelling, tolerant)
        "error",
        "complete",
        "ready",
        "success",
        "waiting",
    ]
    assert isinstance(status["examples"]["Completed"]["value"], dict)


@pytest.mark.parametrize("name", ["video_status.json", "avatar_video.yaml"])
def test_vendor_files_are_untouched_by_loading(name):
    path = next(SPECS.rglob(name))
    before = path.read_bytes()
    Catalog(SPECS)
    assert path.read_bytes() == before


def test_specs_match_the_vendor_pages():
    """specs/ holds each page's fenced block byte for byte (checked when shared/seeds is beside the repo)."""
    import re

    seeds = SPECS.parent.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    blocks = set()
    for page in seeds.glob("0*.txt"):
        m = re.search(r"^(`{3,})(json|yaml)[^\n]*\n(.*?)^\1\s*$", page.read_text(), re.S | re.M)
        assert m, page
        blocks.add(m.group(3))
    ours = {
        p.read_text()
        for p in SPECS.rglob("*")
        if p.suffix in (".json", ".yaml") and "supplement" not in p.parts
    }
    assert ours == blocks


def test_unknown_prefer_example_lists_valid_names(client):
    r = client.get("/v2/video_avatar/a1", headers={**KEY, "Prefer": "example=Nope"})
    assert r.status_code == 400
    assert r.json()["valid_examples"] == [
        "Complete",
        "In Progress",
        "Failed - Invalid Training Footage Format",
        "Failed - Object Download Failed",
    ]
