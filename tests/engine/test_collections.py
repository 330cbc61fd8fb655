"""Collections over real HTTP: add, update, trash, restore and delete a record; deleting a created
job makes its status not_found and stops watching it; reset forgets; storage stays bounded."""

from __future__ import annotations

from mockserver.engine.records import Record, Records

from .collections_fixture import A, B, create_video, lists, walk

__all__ = ["lists"]
NOT_FOUND = 10104  # JoggAI's "Record not found"


def folders(client, key=A, **params):
    return client.get("/v2/folders", params=params, headers=key).json()["data"]


def test_a_record_goes_through_add_update_trash_restore_delete(lists):
    added = lists.post("/v2/folder", json={"name": "one"}, headers=A).json()["data"]
    rid = added["folder_id"]
    assert added["name"] == "one" and added["trashed"] is False and isinstance(added["created_at"], int)
    assert [f["name"] for f in folders(lists)["folders"]] == ["one"]
    updated = lists.post(f"/v2/folder/{rid}/update", json={"name": "two"}, headers=A).json()["data"]
    assert updated == {**added, "name": "two"}
    assert lists.post(f"/v2/folder/{rid}/trash", headers=A).json()["data"]["trashed"] is True
    assert folders(lists)["folders"] == [] and folders(lists)["total"] == 0  # trashed: listed only when asked
    assert [f["folder_id"] for f in folders(lists, is_trash="true")["folders"]] == [rid]
    assert lists.post(f"/v2/folder/{rid}/restore", headers=A).json()["data"]["trashed"] is False
    assert [f["name"] for f in folders(lists, name="two")["folders"]] == ["two"]
    assert folders(lists, name="one")["folders"] == []
    assert lists.delete(f"/v2/folder/{rid}", headers=A).json()["code"] == 0
    assert folders(lists)["folders"] == [] and folders(lists, is_trash="true")["folders"] == []
    for gone in ("update", "trash", "restore"):
        assert lists.post(f"/v2/folder/{rid}/{gone}", json={}, headers=A).json()["code"] == NOT_FOUND


def test_another_key_cannot_touch_my_records(lists):
    rid = lists.post("/v2/folder", json={"name": "mine"}, headers=A).json()["data"]["folder_id"]
    assert lists.delete(f"/v2/folder/{rid}", headers=B).json()["code"] == NOT_FOUND
    assert lists.post(f"/v2/folder/{rid}/trash", headers=B).json()["code"] == NOT_FOUND
    assert [f["folder_id"] for f in folders(lists)["folders"]] == [rid]


def test_deleting_a_created_video_makes_its_status_not_found_and_unwatches_it(lists):
    kept, gone = create_video(lists, A, "kept"), create_video(lists, A, "gone")
    store = lists.app.state.fake.store
    assert store.job(("joggai.avatar_video", gone)) is not None  # it has a webhook event: watched
    assert lists.delete(f"/v2/video/{gone}", headers=A).json()["code"] == 0
    assert store.job(("joggai.avatar_video", gone)) is None
    for _ in range(2):
        assert lists.get(f"/v2/avatar_video/{gone}", headers=A).json()["code"] == NOT_FOUND
    assert lists.get(f"/v2/avatar_video/{kept}", headers=A).json()["code"] == 0
    assert [v["id"] for v in walk(lists, "/v2/videos", A)] == [kept]
    assert lists.delete(f"/v2/video/{gone}", headers=A).json()["code"] == NOT_FOUND


def test_reset_forgets_every_collection(lists):
    create_video(lists, A, "x")
    lists.post("/v2/folder", json={"name": "f"}, headers=A)
    assert lists.post("/__mock/reset").json()["reset"]["records"] == 2
    assert walk(lists, "/v2/videos", A) == [] and folders(lists)["folders"] == []


def test_a_bad_add_body_is_the_vendors_invalid_parameter(lists):
    answer = lists.post("/v2/folder", content=b"{not json", headers={**A, "content-type": "application/json"})
    assert answer.json()["code"] == 40000
    assert folders(lists)["folders"] == []


def test_records_are_bounded_per_key_and_in_all_evicting_the_oldest():
    records = Records(cap=5, per_key=3)
    for i in range(4):
        records.put(("c", "a"), Record(f"a{i}", i))
    assert [r.rid for r in records.all(("c", "a"))] == ["a1", "a2", "a3"]
    for i in range(3):
        records.put(("c", "b"), Record(f"b{i}", i))
    assert len(records) == 5 and records.evicted == 2
    assert [r.rid for r in records.all(("c", "a"))] == ["a2", "a3"]  # the oldest of all went
    assert records.find("a1") is None and records.find("b2") is not None
    changed = Record("a2", 0, trashed=True)
    records.put(("c", "a"), changed)  # a change keeps its place
    assert records.all(("c", "a")) == [changed, records.get(("c", "a"), "a3")]
    assert records.clear() == 5 and len(records) == 0
