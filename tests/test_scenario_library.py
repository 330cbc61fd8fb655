"""`--scenarios DIR` (and the plugin's ini key) adds to the shipped library; replacing it is a flag."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from mockserver import create_app

from .conftest import KEY, LiveServer

MINE = """scenarios:
  - name: my-video-fails-at-once
    operation: heygen.video_status
    steps:
      - example: Failed
"""
CLASH = """scenarios:
  - name: rate-limited-twice
    operation: "*"
    description: mine
    steps:
      - error: not_found
"""
SHIPPED = 50  # 14 defaults (one per call by id that keeps a timeline), fuzz, 35 shipped


def folder(tmp_path: Path, text: str) -> Path:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "mine.yaml").write_text(text)
    return mine


def names(app) -> set[str]:
    return {s.name for s in app.state.fake.store.scenarios()}


def test_a_folder_of_yours_adds_to_the_shipped_library(tmp_path):
    app = create_app(scenarios_dir=folder(tmp_path, MINE))
    assert len(names(app)) == SHIPPED + 1
    assert {"my-video-fails-at-once", "rate-limited-twice", "heygen-video-too-long"} <= names(app)


def test_no_shipped_scenarios_loads_only_yours(tmp_path):
    app = create_app(scenarios_dir=folder(tmp_path, MINE), shipped_scenarios=False)
    assert "my-video-fails-at-once" in names(app)
    assert "rate-limited-twice" not in names(app)


def test_on_a_name_clash_yours_wins(tmp_path):
    app = create_app(scenarios_dir=folder(tmp_path, CLASH), clock="virtual")
    assert len(names(app)) == SHIPPED
    with TestClient(app) as c:
        r = c.get(
            "/v1/video_status.get?video_id=v1", headers={**KEY, "X-Mock-Scenario": "rate-limited-twice"}
        )
    assert r.status_code == 404 and r.json()["code"] == 40104


def test_serve_flags_add_or_replace(tmp_path):
    mine = folder(tmp_path, MINE)
    counts = []
    for extra in ((), ("--no-shipped-scenarios",)):
        run = tmp_path / f"run{len(counts)}"
        run.mkdir()
        server = LiveServer(run, "--scenarios", str(mine), *extra)
        out, _ = server.stop()
        counts.append(out.split(" scenarios,")[0].rsplit(" ", 1)[-1])
    assert counts == [str(SHIPPED + 1), "16"]  # 14 operation defaults, fuzz, and yours


# Vendor reality: statuses the vendors send besides the documented ones, each scenario citing its source.
REALITY = {
    "joggai-video-success-spelling": ("/v2/avatar_video/r1", {}, "success"),
    "joggai-video-fail-spelling": ("/v2/avatar_video/r2", {}, "fail"),
    "joggai-photo-fail-spelling": ("/v2/photo_avatar/photo", {"photo_id": "r3"}, "fail"),
    "heygen-training-in-training": ("/v2/photo_avatar/train/status/r4", {}, "training"),
}


def test_vendor_reality_scenarios_serve_the_spellings_seen_in_the_wild(client):
    library = {s.name: s for s in client.app.state.fake.store.scenarios()}
    for name, (path, params, word) in REALITY.items():
        assert "NOTES.md" in library[name].description and "seen in the wild" in library[name].description
        statuses = [
            client.get(path, params=params, headers={**KEY, "X-Mock-Scenario": name}).json()["data"]["status"]
            for _ in range(3)
        ]
        assert word in statuses and word not in statuses[:1], (name, statuses)


def test_vendor_reality_bodies_validate_against_the_effective_spec(client, catalog):
    import jsonschema_rs

    for name, (path, params, _) in REALITY.items():
        for _ in range(3):
            r = client.get(path, params=params, headers={**KEY, "X-Mock-Scenario": name})
            op = catalog.operations[r.headers["x-mock-operation"]]
            assert jsonschema_rs.is_valid(catalog.response_schema(op, 200), r.json()), (name, r.json())
