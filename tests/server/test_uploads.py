"""Uploads over real HTTP: an add hands out an upload URL on the fake; PUT the bytes there (counted,
never kept, under the body cap), and the asset URL serves a stock file of the upload's type."""

from __future__ import annotations

from mockserver.server.bodies import MAX_BODY

from ..engine.collections_fixture import A, lists

__all__ = ["lists"]


def _upload(client) -> dict:
    data = client.post("/v2/upload/asset", json={"file_name": "a.png"}, headers=A).json()["data"]
    assert data["sign_url"].startswith("http://fake/__media/uploads/")
    return data


def test_put_the_bytes_then_the_asset_is_served(lists):
    data = _upload(lists)
    assert lists.get(data["asset_url"]).status_code == 404  # nothing uploaded yet
    put = lists.put(data["sign_url"], content=b"\x89PNG" + b"0" * 5000, headers={"content-type": "image/png"})
    assert put.status_code == 200
    got = lists.get(data["asset_url"])
    assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg" and got.content
    record = lists.app.state.fake.store.find_record(data["asset_id"])[1]
    assert record.size == 5004 and record.uploaded


def test_a_put_to_an_unknown_upload_is_404_with_an_error(lists):
    answer = lists.put("/__media/uploads/nope", content=b"x")
    assert answer.status_code == 404 and "nope" in answer.json()["error"]
    assert lists.get("/__media/uploads/nope").status_code == 404


def test_an_upload_over_the_body_cap_is_refused_and_not_marked(lists):
    data = _upload(lists)
    answer = lists.put(data["sign_url"], content=b"0" * (MAX_BODY + 1))
    assert answer.status_code == 413 and "error" in answer.json()
    assert lists.get(data["asset_url"]).status_code == 404


def test_raw_bytes_in_the_add_itself_are_an_upload_done(lists):
    answer = lists.post("/v2/upload/asset", content=b"GIF89a", headers={**A, "content-type": "image/gif"})
    data = answer.json()["data"]
    got = lists.get(data["asset_url"])
    assert got.status_code == 200 and got.headers["content-type"] == "image/gif"
