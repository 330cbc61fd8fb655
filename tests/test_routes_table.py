"""The README's endpoint table matches `GET /__mock/routes`: every served operation, and nothing else."""

from __future__ import annotations

import re

from tools.routes_table import END, REGENERATE, START, readme_table, table

from .conftest import ALL_OPERATIONS, ROOT

ROW = re.compile(r"^\| (\S+) \| `(\S+) (\S+)` \| ([^|]+) \| (.+) \|$")


def test_readme_endpoint_table_matches_the_served_routes(client):
    routes = client.get("/__mock/routes").json()
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert START in text and END in text, f"README.md lost its endpoint-table markers; run {REGENERATE}"
    in_readme = readme_table(text)
    assert in_readme == table(routes), f"README.md's endpoint table is stale: run {REGENERATE}"
    rows = [ROW.match(line) for line in in_readme.splitlines()[2:]]
    assert all(rows), "every row is vendor | call | state | source"
    served = {(r["method"], r["route"]) for r in routes}
    assert {(m.group(2), m.group(3)) for m in rows if m} == served
    assert {r["operation"] for r in routes} == ALL_OPERATIONS


def test_every_route_says_its_state_and_source(client):
    kinds = {"account", "catalog", "collection", "job: create", "job: status", "webhooks", "lookup"}
    for route in client.get("/__mock/routes").json():
        assert route["kind"] in kinds, route
        assert route["source"].strip(), route
        assert route["prefixed"].endswith(route["path"]) and route["route"] in (
            route["path"],
            route["prefixed"],
        )


def test_a_shared_path_at_the_root_names_each_vendors_route(client):
    """HeyGen and JoggAI both serve GET /v2/voices: at the root it is no one vendor's."""
    shared = client.get("/v2/voices", headers={"x-api-key": "k"})
    assert shared.status_code == 404 and shared.json()["routes"] == ["/heygen/v2/voices", "/joggai/v2/voices"]
    heygen = client.get("/heygen/v2/voices", headers={"x-api-key": "k"})
    joggai = client.get("/v2/voices", headers={"x-api-key": "k", "host": "api.jogg.ai"})
    assert heygen.json()["error"] is None and joggai.json()["code"] == 0
    assert client.get("/heygen/v1/video_status.get?video_id=x", headers={"x-api-key": "k"}).status_code == 200
