"""Scenario values that load but break later requests: refused at load (file) or registration (admin API).

Each bad value is tried both ways: in a scenario file through `mockserver serve` (one line,
exit 2), and through `PUT /__mock/scenarios/{name}` (a 400 with the same one line), and the
fake keeps answering afterwards.
"""

from __future__ import annotations

import json
import math
import urllib.parse

import pytest

from mockserver.engine.scenario_schema import check_structure
from mockserver.spec.errors import ConfigError

from ..conftest import HANG, run_cli
from ..test_cli import assert_one_clear_line, write
from .test_scenario import poll

OP = "heygen.video_status"
STEP = {"example": "Completed"}
HUGE = "1" + "0" * 400  # as a duration: seconds that overflow a float to infinity
BAD_STEPS = {  # name: (one step, what the line says)
    "header-with-crlf": ({**STEP, "headers": {"X-A": "1\r\nSet-Cookie: evil=1"}}, "header 'X-A'"),
    "header-with-lf": ({**STEP, "headers": {"X-A": "a\nb"}}, "header 'X-A'"),
    "header-bad-name": ({**STEP, "headers": {"Bad Name": "1"}}, "header name 'Bad Name'"),
    "header-name-colon": ({**STEP, "headers": {"X:Y": "1"}}, "header name 'X:Y'"),
    "header-content-length": ({**STEP, "headers": {"Content-Length": "5"}}, "'Content-Length'"),
    "header-transfer-encoding": (
        {**STEP, "headers": {"transfer-encoding": "chunked"}},
        "'transfer-encoding'",
    ),
    "status-1xx": ({"status": 101, "body": {}}, "status '101'"),
    "status-100": ({"status": 100}, "status '100'"),
    "for-overflows": ({**STEP, "for": HUGE + "s"}, "bad duration"),
    "for-over-the-bound": ({**STEP, "for": 1e12}, "bad duration"),
    "delay-fixed-huge": ({**STEP, "delay": 1e9}, "at most 60"),
    "delay-fixed-text-huge": ({**STEP, "delay": "2h"}, "at most 60"),
    "delay-fixed-overflows": ({**STEP, "delay": HUGE}, "at most 60"),
    "delay-uniform-huge": ({**STEP, "delay": {"uniform": [0, 1e9]}}, "at most 60"),
    "delay-median-huge": ({**STEP, "delay": {"lognormal": {"median": "1h", "sigma": 0.5}}}, "at most 60"),
    "delay-sigma-nan": ({**STEP, "delay": {"lognormal": {"median": 0.1, "sigma": math.nan}}}, "finite"),
    "delay-sigma-inf": ({**STEP, "delay": {"lognormal": {"median": 0.1, "sigma": math.inf}}}, "finite"),
    # numbers the fake could never send as JSON, wherever they are
    "body-nan": ({"status": 200, "body": {"a": [math.nan]}}, "finite"),
    "body-inf": ({"status": 200, "body": {"a": -math.inf}}, "finite"),
    "header-nan": ({**STEP, "headers": {"X-A": math.nan}}, "finite"),
}
# Text with no UTF-8 encoding: YAML files cannot hold it (the reader refuses a `\ud800` escape)
ADMIN_ONLY = {
    "body-lone-surrogate": (
        {"status": 200, "body": {"a": "\ud800"}},
        "lone surrogate '\\ud800' at /steps/0/body/a",
    ),
    "body-surrogate-key": ({"status": 200, "body": {"\udc00": 1}}, "lone surrogate '\\udc00' in a key"),
    "header-lone-surrogate": ({**STEP, "headers": {"X-A": "\udfff"}}, "lone surrogate"),
}


def scenario(step: dict, name: str = "x") -> dict:
    return {"name": name, "operation": OP, "steps": [step]}


def yaml_text(step: dict) -> str:
    """The scenario as YAML (JSON is YAML), with NaN and infinity written the YAML way."""
    text = json.dumps(scenario(step))
    return text.replace("NaN", ".nan").replace("Infinity", ".inf")


@pytest.mark.parametrize("case", sorted(BAD_STEPS))
def test_bad_step_value_refused_in_a_file(tmp_path, case):
    step, what = BAD_STEPS[case]
    folder = tmp_path / "scen"
    write(folder, {"s.yaml": yaml_text(step)})
    result = run_cli("serve", "--port", "0", "--scenarios", str(folder), timeout=HANG)
    assert_one_clear_line(result, "s.yaml:line 1:", what)


@pytest.mark.parametrize("case", sorted(BAD_STEPS | ADMIN_ONLY))
def test_bad_step_value_refused_by_the_admin_api(virtual_client, case):
    step, what = (BAD_STEPS | ADMIN_ONLY)[case]
    body = json.dumps({"operation": OP, "steps": [step]})  # NaN and Infinity as Python's json writes them
    r = virtual_client.put(
        "/__mock/scenarios/bad", content=body, headers={"content-type": "application/json"}
    )
    # 400 where the scenario schema (and so the admin spec) refuses the value; 422 where it is
    # well formed but past a bound the loader checks after parsing (a duration's unit)
    assert r.status_code in (400, 422), r.text
    line = r.json()["error"]
    assert what in line and "Fix:" in line and "\n" not in line and "\r" not in line, line
    assert virtual_client.get("/__mock/scenarios").status_code == 200
    assert poll(virtual_client, OP, "after").status_code == 200


def test_a_non_finite_description_is_refused(tmp_path):
    folder = tmp_path / "scen"
    write(folder, {"s.yaml": yaml_text(STEP).replace('{"name"', '{"description": .nan, "name"')})
    result = run_cli("serve", "--port", "0", "--scenarios", str(folder), timeout=HANG)
    assert_one_clear_line(result, "s.yaml:line 1:", "non-finite number nan at /description")


def test_an_unencodable_description_is_refused(virtual_client):
    """A description is listed by `GET /__mock/scenarios`: one with no UTF-8 made that a 500
    until restart. Refused by the admin API's parser, and by the scenario check behind it."""
    body = {"operation": "*", "description": "\ud800", "steps": [STEP]}
    r = virtual_client.put("/__mock/scenarios/sd", content=json.dumps(body))
    assert r.status_code == 400 and "lone surrogate '\\ud800' at /description" in r.json()["error"], r.text
    assert virtual_client.get("/__mock/scenarios").status_code == 200
    with pytest.raises(ConfigError, match=r"\(admin API\): lone surrogate .* at /description"):
        check_structure(body | {"name": "sd"}, "(admin API)")


@pytest.mark.parametrize("name", ["a\nb", "a\rb", "tab\there", "nul\x00", "del\x7f"])
def test_a_scenario_name_with_a_control_character_is_refused(virtual_client, tmp_path, name):
    folder = tmp_path / "scen"
    write(folder, {"s.yaml": json.dumps(scenario(STEP, name))})
    result = run_cli("serve", "--port", "0", "--scenarios", str(folder), timeout=HANG)
    assert_one_clear_line(result, "s.yaml:line 1:", "control character")
    quoted = "/__mock/scenarios/" + urllib.parse.quote(name, safe="")
    r = virtual_client.put(quoted, json={"operation": OP, "steps": [STEP]})
    assert r.status_code in (400, 404), r.text  # a line break does not even reach the route
    assert r.status_code == 404 or "control character" in r.json()["error"], r.text
    assert "\n" not in r.json()["error"] and "\r" not in r.json()["error"]
    assert name not in [s["name"] for s in virtual_client.get("/__mock/scenarios").json()]


def test_the_delay_bound_is_in_the_schema():
    """The bound the loader enforces is the one the shipped schema documents, for every form of delay."""
    from mockserver.engine.scenario import MAX_DELAY
    from mockserver.engine.scenario_file import SCHEMA

    def maximums(node):
        if isinstance(node, dict):
            yield from ([node["maximum"]] if "maximum" in node else [])
            for key, value in node.items():
                if key != "sigma":
                    yield from maximums(value)
        elif isinstance(node, list):
            for value in node:
                yield from maximums(value)

    delay = json.loads(SCHEMA.read_text())["$defs"]["step"]["properties"]["delay"]
    assert list(maximums(delay)) == [MAX_DELAY] * 3
    assert f"at most {MAX_DELAY:g}" in delay["description"]


def test_a_delay_at_the_bound_is_served(virtual_client):
    ok = virtual_client.put(
        "/__mock/scenarios/slow",
        json={"operation": OP, "match": "^slow-", "steps": [{**STEP, "delay": "60s"}]},
    )
    assert ok.status_code == 200, ok.text
    r = poll(virtual_client, OP, "slow-1")
    assert r.status_code == 200 and r.headers["x-mock-example"] == "Completed"


def test_moving_a_bound_scenario_to_another_operation_is_refused(virtual_client):
    """A bound id whose scenario is re-registered for another operation would silently fall back
    to its default: the registration is refused (409, naming the binding and the fix) instead."""
    body = {"operation": OP, "steps": [{"example": "Pending"}]}
    assert virtual_client.put("/__mock/scenarios/moved", json=body).status_code == 200
    bound = virtual_client.put(f"/__mock/bindings/{OP}/vid-1", json={"scenario": "moved"})
    assert bound.status_code == 200
    moved = {"operation": "joggai.avatar_video", "steps": [{"outcome": "success"}]}
    refused = virtual_client.put("/__mock/scenarios/moved", json=moved)
    assert refused.status_code == 409, refused.text
    line = refused.json()["error"]
    assert f"{OP} id 'vid-1'" in line and f"DELETE /__mock/bindings/{OP}/vid-1" in line
    assert refused.json()["bindings"] == [{"family": OP, "id": "vid-1"}]
    for _ in range(3):  # the scenario and the binding stand as they were
        r = poll(virtual_client, OP, "vid-1")
        assert r.status_code == 200 and r.headers["x-mock-scenario"] == "moved", r.text
    assert virtual_client.delete(f"/__mock/bindings/{OP}/vid-1").json() == {"deleted": True}
    assert virtual_client.put("/__mock/scenarios/moved", json=moved).status_code == 200


def test_replacing_a_bound_scenario_on_its_own_operation_is_served(virtual_client):
    """Only a move the binding cannot follow is refused: new steps on the same operation are taken."""
    body = {"operation": OP, "steps": [{"example": "Pending"}]}
    assert virtual_client.put("/__mock/scenarios/same", json=body).status_code == 200
    assert virtual_client.put(f"/__mock/bindings/{OP}/vid-2", json={"scenario": "same"}).status_code == 200
    again = virtual_client.put("/__mock/scenarios/same", json={"operation": OP, "steps": [STEP]})
    assert again.status_code == 200, again.text
    r = poll(virtual_client, OP, "vid-2")
    assert r.headers["x-mock-scenario"] == "same" and r.headers["x-mock-example"] == "Completed"


@pytest.mark.parametrize("value", [[1, 2], None, {"a": 1}])
def test_a_header_value_that_is_not_text_names_the_header(value):
    """The line names the header and its value; no template placeholder is left in it."""
    step = {"outcome": "success", "headers": {"X-A": value}}
    with pytest.raises(ConfigError) as caught:
        check_structure({"name": "s", "operation": "*", "steps": [step]}, "(test)")
    line = caught.value.line()
    assert "header 'X-A'" in line and "{value}" not in line, line
