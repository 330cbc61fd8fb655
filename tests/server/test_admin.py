"""The admin API under /__mock: reset, scenarios, bindings, timelines, clock, journal."""

from __future__ import annotations

from ..conftest import ALL_OPERATIONS, KEY


def test_scenarios_listed_and_filtered(client):
    all_ = client.get("/__mock/scenarios").json()
    assert len(all_) == 50  # 14 defaults (one per call by id that keeps a timeline), fuzz, 35 shipped
    video = client.get("/__mock/scenarios", params={"operation": "heygen.video_status"}).json()
    names = {s["name"] for s in video}
    assert "heygen-video-too-long" in names and "not-found" in names and "joggai-video-failed" not in names
    assert client.get("/__mock/scenarios", params={"operation": "nope"}).status_code == 404


def test_bind_rebinds_and_validates(client):
    op = "joggai.avatar_video"
    assert client.get("/v2/avatar_video/b1", headers=KEY).json()["data"]["status"] == "pending"
    r = client.put(f"/__mock/bindings/{op}/b1", json={"scenario": "joggai-video-failed"})
    assert r.status_code == 200
    statuses = [client.get("/v2/avatar_video/b1", headers=KEY).json()["data"]["status"] for _ in range(3)]
    assert statuses == ["pending", "processing", "failed"]
    assert client.get("/__mock/bindings").json() == [
        {"family": op, "id": "b1", "scenario": "joggai-video-failed"}
    ]
    bad = client.put(f"/__mock/bindings/{op}/b1", json={"scenario": "heygen-video-too-long"})
    assert bad.status_code == 400 and "joggai-video-failed" in bad.json()["valid_scenarios"]
    assert client.put(f"/__mock/bindings/{op}/b1", content=b"{not json").status_code == 400
    assert client.put("/__mock/bindings/nope/b1", json={"scenario": "x"}).status_code == 404
    # bindings accept the vendor's operationId too
    assert client.put("/__mock/bindings/video-status/b9", json={"scenario": "not-found"}).status_code == 200


def test_timeline_and_reset(client):
    op = "heygen.video_status"
    assert client.get(f"/__mock/timelines/{op}/r1").status_code == 404
    for _ in range(2):
        client.get("/v1/video_status.get", params={"video_id": "r1"}, headers=KEY)
    t = client.get(f"/__mock/timelines/{op}/r1").json()
    assert (t["polls"], t["step"], t["scenario"]) == (2, 2, "heygen.video_status.default")
    client.get("/v1/video_status.get", params={"video_id": "r2"}, headers=KEY)
    assert client.post("/__mock/reset", json={"id": "r1"}).json()["reset"]["timelines"] == 1
    assert client.get(f"/__mock/timelines/{op}/r1").status_code == 404
    assert client.get(f"/__mock/timelines/{op}/r2").status_code == 200
    assert client.get("/__mock/requests", params={"id": "r1"}).json() == []
    client.post("/__mock/reset")
    assert client.get(f"/__mock/timelines/{op}/r2").status_code == 404
    assert client.get("/__mock/requests").json() == []


def test_journal_records_everything(client):
    client.get("/v2/avatar_video/ratelimit-9", headers=KEY)
    client.get("/v2/photo_avatar/photo", params={"photo_id": "j"}, headers=KEY)
    entries = client.get("/__mock/requests", params={"operation": "joggai.avatar_video"}).json()
    assert len(entries) == 1
    e = entries[0]
    for key in ("method", "path", "query", "operation", "id", "scenario", "step", "status", "fault", "delay"):
        assert key in e
    assert (e["id"], e["scenario"], e["step"], e["error"]) == (
        "ratelimit-9",
        "rate-limited-twice",
        0,
        "rate_limited",
    )
    assert (
        client.get("/__mock/requests", params={"limit": "1"}).json()[0]["operation"]
        == "joggai.photo_avatar_photo"
    )


def test_clock_endpoints(client, virtual_client):
    assert client.post("/__mock/clock/advance", json={"seconds": 5}).status_code == 409
    now = virtual_client.get("/__mock/clock").json()["now"]
    r = virtual_client.post("/__mock/clock/advance", json={"seconds": 90})
    assert r.json()["now"] == now + 90
    assert virtual_client.post("/__mock/clock/advance", json={"seconds": -1}).status_code == 400
    assert virtual_client.post("/__mock/clock/advance", json={"seconds": "x"}).status_code == 400
    assert virtual_client.post("/__mock/clock/advance", content=b"[").status_code == 400


def test_admin_cannot_be_shadowed_and_lists_routes(client):
    routes = client.get("/__mock/routes").json()
    assert {r["operation"] for r in routes} == ALL_OPERATIONS
    assert client.get("/__mock/nothing").status_code == 404
    assert client.get("/__mock/lint").json()[0]["kind"]


def test_lru_eviction_keeps_memory_bounded(catalog):
    from starlette.testclient import TestClient

    from mockserver import create_app

    with TestClient(create_app(catalog=catalog, scenarios_dir=None, timeline_cap=50)) as c:
        for i in range(200):
            c.get(f"/v2/avatar_video/id{i}", headers=KEY)
        mock = c.app.state.fake
        assert mock.store.timeline_count()[0] == 50
        assert mock.store.timeline_count()[1] == 150
        assert c.get("/__mock/timelines/joggai.avatar_video/id0").status_code == 404
        assert c.get("/__mock/timelines/joggai.avatar_video/id199").status_code == 200


def test_admin_inputs_are_held_to_the_admin_spec(virtual_client):
    """What the admin spec says is what the admin API enforces, and the other way round."""
    client = virtual_client
    spec = client.get("/__mock/admin/openapi.json").json()
    assert spec["components"]["parameters"]["limit"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 1_000_000_000,
    }
    for path in ("/__mock/requests", "/__mock/violations"):
        for bad in ("0", "-1", "abc", "null", "1.5", "1000000001", "99999999999"):
            r = client.get(path, params={"limit": bad})
            assert r.status_code == 400 and "limit must be" in r.json()["error"], (path, bad)
        assert client.get(path, params={"limit": "1000000000"}).status_code == 200
    seconds = spec["paths"]["/__mock/clock/advance"]["post"]["requestBody"]["content"]["application/json"]
    assert seconds["schema"]["properties"]["seconds"]["maximum"] == 315_360_000
    assert client.post("/__mock/clock/advance", json={"seconds": 315_360_000}).status_code == 200
    assert client.post("/__mock/clock/advance", json={"seconds": 315_360_001}).status_code == 400
    reset = spec["paths"]["/__mock/reset"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert reset["properties"]["id"]["type"] == ["string", "null"]
    assert client.post("/__mock/reset", json={"id": None}).status_code == 200
    assert client.post("/__mock/reset", json={"id": 5}).status_code == 400


def test_scenario_bodies_refused_by_shape_or_by_meaning(virtual_client):
    """400: not a scenario (the schema the spec serves refuses it); 422: well formed, not in this
    catalog; 404: a name with a line break matches no route. The spec documents all three."""
    client = virtual_client
    put = client.get("/__mock/admin/openapi.json").json()["paths"]["/__mock/scenarios/{name}"]["put"]
    assert {"200", "400", "404", "422"} <= set(put["responses"])
    shape = client.put("/__mock/scenarios/s", json={"operation": "*", "steps": [{"bogus": 1}]})
    assert shape.status_code == 400 and "unknown step key 'bogus'" in shape.json()["error"]
    meaning = client.put("/__mock/scenarios/s", json={"operation": "nope", "steps": [{"status": 200}]})
    assert meaning.status_code == 422 and "unknown operation 'nope'" in meaning.json()["error"]
    untimed = {"operation": "*", "steps": [{"status": 200}, {"status": 500}]}
    assert client.put("/__mock/scenarios/s", json=untimed).status_code == 422
    assert (
        client.put("/__mock/scenarios/a%0Ab", json={"operation": "*", "steps": [{"status": 200}]}).status_code
        == 404
    )
    body = {"name": 5, "operation": "*", "steps": [{"status": 200}]}  # the path names it
    assert client.put("/__mock/scenarios/s", json=body).json()["name"] == "s"
