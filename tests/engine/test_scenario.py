"""Every shipped scenario, driven end to end over HTTP, under the virtual and the real clock."""

from __future__ import annotations

import json
import re
import time

import pytest
from starlette.testclient import TestClient

from mockserver import create_app
from mockserver.engine.scenario_file import ScenarioLoader
from mockserver.spec.bodies import status_of
from mockserver.spec.placeholders import has_holes

from ..conftest import KEY, SCENARIOS, SPECS
from ..spec.test_bodies import CATALOG, url_for

SHIPPED = ScenarioLoader(CATALOG).load_dir(SCENARIOS)
CASES = [
    (scenario.name, op.name)
    for scenario in SHIPPED
    for op in CATALOG.operations.values()
    if scenario.applies_to(op) and op.polled  # create-call scenarios: tests/test_lifecycle.py
]
SPEED = 100.0  # the real clock, run fast: 5 minutes pass in 3 s


def test_library_covers_every_operation_and_failure():
    names = {s.name for s in SHIPPED}
    for op in CATALOG.operations.values():
        bodies = [ex.body for ex in CATALOG.examples[op.name].values()]
        if op.polled and any(op.profile.status_class(status_of(b, op.profile)) for b in bodies):  # a job
            assert any(s.operation == op.name and "happy" in s.name for s in SHIPPED), op.name
    assert {
        "heygen-video-too-long",
        "heygen-twin-invalid-footage",
        "heygen-twin-download-failed",
        "joggai-video-failed",
        "joggai-photo-error",
        "heygen-training-failed",
        "not-found",
        "invalid-key",
        "insufficient-credit",
        "no-permission",
        "rate-limited-twice",
        "server-error-once",
        "slow",
        "stuck-processing",
        "reset-then-success",
        "malformed-once",
    } <= names
    assert next(s for s in SHIPPED if s.name == "heygen-training-failed").inferred
    # the library's 21 operation scenarios (4 of vendor reality), then the 12 cross-cutting ones
    # on each of 11 polled operations: 8 job polls and 3 HeyGen lookups by id
    assert len(CASES) == 21 + 12 * 11


def poll(client, op_name, rid, scenario=None):
    path, params = url_for(op_name, rid)
    headers = dict(KEY)
    if scenario:
        headers["X-Mock-Scenario"] = scenario
    return client.get(path, params=params, headers=headers)


def check_step(client, op_name, rid, scenario_name, step, index):
    """One poll must be served exactly what the step says."""
    op = CATALOG.operations[op_name]
    profile = op.profile
    if step.kind == "fault" and step.value in ("reset", "empty", "truncated"):
        with pytest.raises(ConnectionResetError):
            poll(client, op_name, rid, scenario_name)
        return
    r = poll(client, op_name, rid, scenario_name)
    assert r.headers["x-mock-scenario"] == scenario_name
    assert r.headers["x-mock-step"] == str(index)
    if step.kind == "fault":  # malformed
        assert r.status_code == 200
        with pytest.raises(json.JSONDecodeError):
            json.loads(r.content)
        return
    body = r.json()
    if step.kind == "example":
        expected = CATALOG.examples[op_name][step.value]
        assert r.headers["x-mock-example"] == step.value
        assert r.status_code == expected.status_code
        assert status_of(body, profile) == status_of(expected.body, profile)
    elif step.kind == "outcome":
        assert r.status_code == 200
        ranked = CATALOG.by_class(CATALOG.operations[op_name], step.value)
        assert r.headers["x-mock-example"] in {ex.name for ex in ranked}  # a lookup's one example too
        assert profile.status_class(status_of(body, profile)) == profile.status_class(
            status_of(ranked[0].body, profile)
        )
    elif step.kind == "error":
        err = profile.errors[step.value]
        assert r.status_code == err.status
        # in the call's own documented words where its spec has an example of that status (fixed text)
        own = [e.body for e in CATALOG.examples[op_name].values() if e.status_code == err.status >= 400]
        assert body == (own[0] if own and not has_holes(err.body) else err.render())
        for name, value in err.headers.items():
            assert r.headers[name] == value
    elif step.kind == "status":
        assert r.status_code == step.value
        assert status_of(body, profile) == status_of(step.body, profile)


def drive(client, op_name, scenario_name, advance):
    scenario = next(s for s in SHIPPED if s.name == scenario_name)
    rid = f"drive-{scenario_name}"
    for index, step in enumerate(scenario.steps):
        if step.polls:
            for _ in range(step.polls):
                check_step(client, op_name, rid, scenario_name, step, index)
        elif step.duration:
            check_step(client, op_name, rid, scenario_name, step, index)
            advance(step.duration)
        else:  # the last step repeats for ever
            for _ in range(3):
                check_step(client, op_name, rid, scenario_name, step, index)
    timeline = client.get(f"/__mock/timelines/{op_name}/{rid}").json()
    assert timeline["finished"] is True
    assert timeline["scenario"] == scenario_name


@pytest.mark.parametrize(("scenario_name", "op_name"), CASES)
def test_scenario_virtual_clock(virtual_client, scenario_name, op_name):
    def advance(seconds):
        r = virtual_client.post("/__mock/clock/advance", json={"seconds": seconds})
        assert r.status_code == 200

    drive(virtual_client, op_name, scenario_name, advance)


@pytest.mark.parametrize(("scenario_name", "op_name"), CASES)
def test_scenario_real_clock(scenario_name, op_name):
    with TestClient(create_app(SPECS, SCENARIOS, catalog=CATALOG, clock_speed=SPEED)) as client:
        drive(client, op_name, scenario_name, lambda seconds: time.sleep(seconds / SPEED + 0.005))


def test_virtual_clock_stands_still(virtual_client):
    rid = "still"
    for _ in range(5):
        r = poll(virtual_client, "heygen.video_status", rid, "heygen-video-happy-path")
        assert r.json()["data"]["status"] == "pending"
    virtual_client.post("/__mock/clock/advance", json={"seconds": 9.5})
    assert poll(virtual_client, "heygen.video_status", rid).json()["data"]["status"] == "pending"
    virtual_client.post("/__mock/clock/advance", json={"seconds": 0.5})
    assert poll(virtual_client, "heygen.video_status", rid).json()["data"]["status"] == "waiting"
    # a long silence walks through every time step at once
    virtual_client.post("/__mock/clock/advance", json={"seconds": 600})
    assert poll(virtual_client, "heygen.video_status", rid).json()["data"]["status"] == "completed"


def test_virtual_delay_is_recorded_not_slept(virtual_client):
    started = time.monotonic()
    r = poll(virtual_client, "joggai.avatar_video", "slow-1")
    assert time.monotonic() - started < 1.0
    assert r.json()["data"]["status"] == "completed"
    entry = virtual_client.get("/__mock/requests", params={"id": "slow-1"}).json()[-1]
    assert entry["scenario"] == "slow"
    assert entry["delay"] > 0


def test_real_delay_is_slept(catalog, tmp_path):
    (tmp_path / "d.yaml").write_text(
        "name: wait\noperation: '*'\nsteps:\n  - outcome: success\n    delay: 300ms\n"
    )
    with TestClient(create_app(SPECS, tmp_path, catalog=catalog)) as client:
        started = time.monotonic()
        poll(client, "joggai.avatar_video", "w", "wait")
        assert time.monotonic() - started >= 0.3


def test_finished_job_never_starts_over(client):
    statuses = [poll(client, "joggai.avatar_video", "fail-1").json()["data"]["status"] for _ in range(10)]
    assert statuses == ["pending", "processing"] + ["failed"] * 8


def test_choosing_order(client):
    """Header beats binding beats id rule beats default."""
    op = "heygen.video_status"
    # id rule: 'fail-' ids fail
    assert poll(client, op, "fail-a").headers["x-mock-scenario"] == "heygen-video-too-long"
    # binding beats the id rule
    r = client.put(f"/__mock/bindings/{op}/fail-b", json={"scenario": "not-found"})
    assert r.status_code == 200
    assert poll(client, op, "fail-b").status_code == 404
    # header beats the binding (on the id's first request)
    client.put(f"/__mock/bindings/{op}/fail-c", json={"scenario": "not-found"})
    assert poll(client, op, "fail-c", "stuck-processing").json()["data"]["status"] == "processing"
    # the header binds the id: later polls without it stay on that scenario
    assert poll(client, op, "fail-c").headers["x-mock-scenario"] == "stuck-processing"
    # default
    assert poll(client, op, "plain").headers["x-mock-scenario"] == "heygen.video_status.default"


def test_unknown_scenario_header_lists_valid(client):
    r = poll(client, "heygen.video_status", "u", "nope")
    assert r.status_code == 400
    valid = r.json()["valid_scenarios"]
    assert "heygen-video-too-long" in valid and "not-found" in valid
    assert "joggai-video-failed" not in valid


def test_prefer_does_not_move_the_timeline(client):
    op = "joggai.avatar_video"
    path, _ = url_for(op, "p1")
    for _ in range(3):
        client.get(path, headers={**KEY, "Prefer": "example=failed"})
    assert poll(client, op, "p1").json()["data"]["status"] == "pending"


def test_http_errors_switch_for_cross_cutting(catalog):
    with TestClient(create_app(SPECS, SCENARIOS, catalog=catalog, http_errors=True)) as client:
        r = poll(client, "joggai.avatar_video", "ratelimit-1")
        assert r.status_code == 429
        assert "retry-after" not in r.headers  # JoggAI documents none
        assert r.json()["code"] == 429


def test_fuzz_is_seeded_and_valid(catalog):
    import jsonschema_rs

    def bodies(seed: str, rid: str) -> list[tuple[int, str]]:
        # A virtual clock: timestamps in the bodies must not depend on when the second ticks.
        with TestClient(create_app(SPECS, None, catalog=catalog, clock="virtual")) as client:
            out = []
            for _ in range(12):
                path, params = url_for("heygen.video_status", rid)
                r = client.get(
                    path, params=params, headers={**KEY, "X-Mock-Scenario": "fuzz", "X-Mock-Seed": seed}
                )
                assert r.headers["x-mock-seed"] == seed
                schema = catalog.response_schema(catalog.operations["heygen.video_status"], r.status_code)
                assert jsonschema_rs.is_valid(schema, r.json()), r.text
                # media links are signed with each fake's own key: the draw replays, the signature not;
                # each fake's virtual clock starts at its own start-up, so epoch seconds may differ by one
                text = re.sub(r"Signature=[^&]*", "Signature=*", r.text)
                out.append((r.status_code, re.sub(r"\b1\d{9}\b", "<epoch>", text)))
            return out

    first = bodies("7", "fz")
    assert bodies("7", "fz") == first  # a failure replays exactly
    assert bodies("8", "fz") != first
    assert len(set(first)) > 3


def test_scenario_registered_at_run_time(client):
    bad = client.put(
        "/__mock/scenarios/mine", json={"operation": "heygen.video_status", "steps": [{"example": "Nope"}]}
    )
    assert bad.status_code == 422  # well formed, but not in the catalog
    assert "unknown example 'Nope'" in bad.json()["error"]
    ok = client.put(
        "/__mock/scenarios/mine",
        json={"operation": "heygen.video_status", "match": "^mine-", "steps": [{"error": "not_found"}]},
    )
    assert ok.status_code == 200
    assert poll(client, "heygen.video_status", "mine-1").status_code == 404
