"""Vendor-shaped answers: auth, parameters, Prefer, ids, timestamps, unknown routes."""

from __future__ import annotations

import time

import pytest

from ..conftest import KEY


def test_missing_key_heygen_gets_401_envelope(client):
    r = client.get("/v1/video_status.get", params={"video_id": "x"})
    assert r.status_code == 401
    assert r.json() == {"code": 400112, "message": "Unauthorized"}


def test_missing_key_joggai_gets_200_with_code(client):
    r = client.get("/v2/avatar_video/x")
    assert r.status_code == 200
    assert r.json() == {"code": 10105, "msg": "Invalid API key", "data": None}


def test_http_errors_switch_gives_real_status(catalog):
    from starlette.testclient import TestClient

    from mockserver import create_app

    with TestClient(create_app(catalog=catalog, scenarios_dir=None, http_errors=True)) as c:
        r = c.get("/v2/avatar_video/x")
        assert r.status_code == 401
        assert r.json()["code"] == 10105


def test_missing_required_parameter(client):
    r = client.get("/v1/video_status.get", headers=KEY)
    assert r.status_code == 400
    assert r.json()["code"] == 400
    assert "video_id" in r.json()["message"]
    r = client.get("/v2/photo_avatar/photo", headers=KEY)
    assert r.status_code == 200
    assert r.json()["code"] == 40000
    assert r.json()["data"] is None


def test_unknown_route_and_method_are_json(client):
    r = client.get("/v9/nothing")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/json"
    assert "no route" in r.json()["error"]
    r = client.post("/v1/video_status.get", params={"video_id": "x"}, headers=KEY)
    assert r.status_code == 405
    assert r.headers["content-type"] == "application/json"


def test_prefer_code_picks_the_response(client):
    r = client.get("/v1/video_status.get", params={"video_id": "x"}, headers={**KEY, "Prefer": "code=404"})
    assert r.status_code == 404
    assert r.json() == {"code": 40104, "message": "Video not found"}
    r = client.get("/v1/video_status.get", params={"video_id": "x"}, headers={**KEY, "Prefer": "code=200"})
    assert r.json()["data"]["status"] == "completed"
    r = client.get("/v2/avatar_video/y", headers={**KEY, "Prefer": "code=404"})
    assert (r.status_code, r.json()["code"]) == (200, 10104)
    r = client.get("/v2/avatar_video/y", headers={**KEY, "Prefer": "code=418"})
    assert r.status_code == 400
    assert "valid_codes" in r.json()


def test_created_at_is_first_seen_and_stays(virtual_client):
    c = virtual_client
    now = c.get("/__mock/clock").json()["now"]
    first = c.get("/v2/avatar_video/t1", headers=KEY).json()["data"]["created_at"]
    assert first == int(now)
    c.post("/__mock/clock/advance", json={"seconds": 500})
    again = c.get("/v2/avatar_video/t1", headers=KEY).json()["data"]["created_at"]
    assert again == first
    later = c.get("/v2/avatar_video/t2", headers=KEY).json()["data"]["created_at"]
    assert later == int(now + 500)


def test_created_at_real_clock(client):
    before = int(time.time())
    created = client.get("/v2/video_avatar/t3", headers=KEY).json()["data"]["created_at"]
    assert before <= created <= int(time.time())


def test_two_ids_have_separate_timelines(client):
    a = [client.get("/v2/avatar_video/a", headers=KEY).json()["data"]["status"] for _ in range(2)]
    b = client.get("/v2/avatar_video/b", headers=KEY).json()["data"]["status"]
    assert a == ["pending", "processing"]
    assert b == "pending"


def test_api_key_list_refuses_unknown_keys(catalog):
    from starlette.testclient import TestClient

    from mockserver import create_app

    with TestClient(create_app(catalog=catalog, scenarios_dir=None, api_keys=["good"])) as c:
        r = c.get("/v1/video_status.get", params={"video_id": "x"}, headers={"x-api-key": "bad"})
        assert r.status_code == 401
        r = c.get("/v1/video_status.get", params={"video_id": "x"}, headers={"x-api-key": "good"})
        assert r.status_code == 200
        v = c.get("/__mock/violations").json()
        assert [x["kind"] for x in v] == ["auth"]
        assert v[0]["pointer"] == "/security"


def test_violations_recorded_or_refused_with_strict(tmp_path):
    """A wrong parameter type is recorded with a JSON Pointer by default, and refused under --strict."""
    import json
    import shutil

    from starlette.testclient import TestClient

    from mockserver import create_app

    from ..conftest import SPECS

    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    target = specs / "heygen" / "video_status.json"
    doc = json.loads(target.read_text())
    doc["paths"]["/v1/video_status.get"]["get"]["parameters"].append(
        {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 10}}
    )
    target.write_text(json.dumps(doc))
    for strict in (False, True):
        with TestClient(create_app(specs, None, strict=strict)) as c:
            r = c.get("/v1/video_status.get", params={"video_id": "v", "limit": "many"}, headers=KEY)
            v = c.get("/__mock/violations").json()
            assert [x["kind"] for x in v] == ["invalid"]
            assert v[0]["pointer"] == "/paths/~1v1~1video_status.get/get/parameters/1/schema"
            assert "limit" in v[0]["message"]
            if strict:
                assert r.status_code == 400 and r.json()["code"] == 400
            else:
                assert r.status_code == 200
            assert (
                c.get("/v1/video_status.get", params={"video_id": "v", "limit": "3"}, headers=KEY).status_code
                == 200
            )


def test_fixed_paths_answer_the_same_behind_a_root_path(catalog):
    """The vendor router finds fixed paths below a root path as Starlette's own routes find the admin's."""
    from starlette.testclient import TestClient

    from mockserver import create_app

    def body(root_path: str) -> dict:
        app = create_app(catalog=catalog, scenarios_dir=None, clock="virtual")
        with TestClient(app, base_url="http://fake", root_path=root_path) as c:
            r = c.get(f"{root_path}/v1/video_status.get", params={"video_id": "r1"}, headers=KEY)
            assert r.status_code == 200
            assert r.headers["x-mock-operation"] == "heygen.video_status"
            assert c.get(f"{root_path}/__mock/health").status_code == 200
            return r.json()

    plain, behind = body(""), body("/api")
    assert plain["data"]["id"] == behind["data"]["id"] == "r1"
    assert plain["data"]["status"] == behind["data"]["status"]


def test_bodies_follow_id_and_clock_second(virtual_client):
    """Bodies are reused within one second for one id: never across ids, never across seconds."""
    c = virtual_client

    def poll(rid: str) -> bytes:
        r = c.get("/v1/video_status.get", params={"video_id": rid}, headers={**KEY, "Prefer": "code=200"})
        assert r.status_code == 200
        return r.content

    first, again, other = poll("m1"), poll("m1"), poll("m2")
    assert first == again
    assert b'"m2"' in other and b'"m1"' not in other
    assert b"/m2/video.mp4?Expires=" in other
    c.post("/__mock/clock/advance", json={"seconds": 1})
    later = poll("m1")
    assert later != first

    def expires(body: bytes) -> int:
        return int(body.split(b"video.mp4?Expires=")[1].split(b"&")[0])

    assert expires(later) == expires(first) + 1
    # two operations with an example of the same name, polled for the same id, keep their own bodies
    pending = {"Prefer": "example=Pending", **KEY}
    video = c.get("/v1/video_status.get", params={"video_id": "same"}, headers=pending).json()
    training = c.get("/v2/photo_avatar/train/status/same", headers=pending).json()
    assert video["data"]["status"] == training["data"]["status"] == "pending"
    assert "video_url" in video["data"] and "video_url" not in training["data"]


def test_polls_leave_no_reference_cycles(catalog):
    """uvicorn's `send` is a bound method of the object holding the scope. An app that keeps it in
    the scope turns every request into cyclic garbage: 6 to 10 µs each, and a collector pause every few
    hundred requests. The requests here must leave nothing for the collector."""
    import gc

    from mockserver import create_app

    app = create_app(catalog=catalog, scenarios_dir=None)

    class Cycle:  # what uvicorn's request cycle looks like to the app
        def __init__(self, scope: dict) -> None:
            self.scope = scope
            self.sent: list[dict] = []

        async def send(self, message: dict) -> None:
            self.sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    def request(path: str, query: bytes) -> int:
        scope = {
            "type": "http",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "root_path": "",
            "query_string": query,
            "headers": [(b"host", b"127.0.0.1:1"), (b"x-api-key", b"k")],
            "server": ("127.0.0.1", 1),
        }
        cycle = Cycle(scope)
        with pytest.raises(StopIteration):  # nothing here waits: one step runs the whole request
            app(scope, receive, cycle.send).send(None)
        return cycle.sent[0]["status"]

    for rid in ("g0", "g1"):  # timelines and caches made on first sight are kept, not garbage
        request("/v1/video_status.get", f"video_id={rid}".encode())
        request(f"/v2/avatar_video/{rid}", b"")
    gc.collect()
    gc.disable()
    try:
        statuses = {request("/v1/video_status.get", f"video_id=g{i % 2}".encode()) for i in range(100)}
        statuses |= {request(f"/v2/avatar_video/g{i % 2}", b"") for i in range(100)}
        assert gc.collect() == 0
    finally:
        gc.enable()
    assert statuses == {200}


def test_updated_at_follows_the_clock_on_a_repeated_body(virtual_client):
    """A body kept for reuse must still move with the clock where it shows the time."""
    c = virtual_client
    path = "/v2/photo_avatar/train/status/clock-1"

    def ready() -> dict:
        r = c.get(path, headers={**KEY, "Prefer": "example=Ready"})
        assert r.status_code == 200
        return r.json()["data"]

    def pending() -> dict:
        return c.get(path, headers={**KEY, "Prefer": "example=Pending"}).json()["data"]

    first, still = ready(), pending()
    c.post("/__mock/clock/advance", json={"seconds": 30})
    later, still_later = ready(), pending()
    assert later["updated_at"] == first["updated_at"] + 30
    assert later["created_at"] == first["created_at"]
    assert still_later == still and still["updated_at"] is None


def test_405_allow_names_every_method_of_the_path(client):
    # GET and DELETE /v3/videos/{video_id} are two operations on one path; GET and POST /v3/videos too
    assert client.put("/v3/videos/abc", headers=KEY).headers["allow"] == "DELETE, GET, HEAD"
    assert client.put("/v3/videos", headers=KEY).headers["allow"] == "GET, HEAD, POST"


def test_405_allow_prefers_the_concrete_path(client):
    # /v1/asset/list is its own path (GET), not /v1/asset/{asset_id} (DELETE): OpenAPI's precedence
    assert client.put("/v1/asset/list", headers=KEY).headers["allow"] == "GET, HEAD"
    assert client.put("/v1/asset/abc", headers=KEY).headers["allow"] == "DELETE"


def test_delete_by_id_answers_its_example_not_a_500(client):
    """HeyGen v3's delete: the caller's own video is deleted in the documented body; another id is
    the vendor's not-found, never a 500."""
    looks = client.get("/v3/avatars/looks", headers=KEY).json()["data"]
    made = client.post("/v3/videos", json={"type": "avatar", "avatar_id": looks[0]["id"]}, headers=KEY)
    video = made.json()["data"]["video_id"]
    r = client.delete(f"/v3/videos/{video}", headers=KEY)
    assert r.status_code == 200
    assert r.json() == {"data": {"id": video, "deleted": True}}
    again = client.delete("/v3/videos/abc", headers=KEY)
    assert again.status_code == 404 and again.json()["error"]["code"] == "video_not_found"


def test_a_declared_body_format_is_checked(client):
    body = {
        "product_id": "p1",
        "video_spec": {"length": "30"},
        "avatar": {"id": 1},
        "voice": {"id": "v"},
        "audio": {"music_id": 1},
        "script": {"style": "Storytime", "language": "english"},
    }
    ok = client.post(
        "/v2/create_video_from_product", json={**body, "webhook_url": "https://a.example/h"}, headers=KEY
    )
    assert ok.json()["code"] == 0
    bad = client.post("/v2/create_video_from_product", json={**body, "webhook_url": "not a url"}, headers=KEY)
    assert bad.json() == {
        "code": 40000,
        "msg": 'Parameter error: request body: "not a url" is not a "uri"',
        "data": None,
    }
