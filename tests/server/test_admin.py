"""The admin API under /__mock: reset, scenarios, bindings, timelines, clock, journal."""

from __future__ import annotations

from ..conftest import ALL_OPERATIONS, KEY


def test_scenarios_listed_and_filtered(client):
    all_ = client.get("/__mock/scenarios").json()
    assert len(all_) == 31  # 5 defaults, fuzz, 25 shipped
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
