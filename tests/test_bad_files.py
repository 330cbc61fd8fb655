"""Bad files and flags: every malformed spec or scenario shape is one line and exit 2, never a traceback.

Each case goes through the real CLI in a subprocess, as a user would meet it. The subprocess
timeout only catches a hang (a start-up that never ends); nothing here times anything.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from .conftest import HANG, KEY, run_cli
from .spec.test_reader import BOMB
from .test_cli import MINI, assert_one_clear_line, write


def broken(where: str, value: Any) -> dict[str, Any]:
    """MINI with the node at a slash-separated path (`~` for '/') set to value."""
    doc = copy.deepcopy(MINI)
    doc["paths"]["/v1/thing/{id}"]["get"]["requestBody"] = {
        "content": {"application/json": {"schema": {"type": "object"}}}
    }
    doc["paths"]["/v1/thing/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["examples"] = {
        "ok": {"value": {"data": {}}}
    }
    doc["components"]["securitySchemes"] = {"key": {"type": "apiKey", "in": "header", "name": "x-api-key"}}
    doc["security"] = [{"key": []}]
    *parents, last = [p.replace("~", "/") for p in where.strip("/").split("/")]
    node = doc
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[int(last) if isinstance(node, list) else last] = value
    return doc


OP = "/paths/~1v1~1thing~1{id}/get"
SHAPES = {  # name: (path in MINI, broken value, the pointer the line names)
    "path-item-int": ("paths/~v1~thing~{id}", 5, "/paths/~1v1~1thing~1{id}"),
    "path-item-string": ("paths/~v1~thing~{id}", "oops", "/paths/~1v1~1thing~1{id}"),
    "operation-null": ("paths/~v1~thing~{id}/get", None, OP),
    "operation-list": ("paths/~v1~thing~{id}/get", [], OP),
    "parameters-int": ("paths/~v1~thing~{id}/get/parameters", 5, OP + "/parameters"),
    "path-parameters-int": ("paths/~v1~thing~{id}/parameters", 5, "/paths/~1v1~1thing~1{id}/parameters"),
    "parameter-string": ("paths/~v1~thing~{id}/get/parameters/0", "id", OP + "/parameters/0"),
    "parameter-name-int": ("paths/~v1~thing~{id}/get/parameters/0/name", 5, OP + "/parameters/0/name"),
    "parameter-in-unknown": ("paths/~v1~thing~{id}/get/parameters/0/in", "body", OP + "/parameters/0/in"),
    "parameter-schema-int": ("paths/~v1~thing~{id}/get/parameters/0/schema", 5, OP + "/parameters/0/schema"),
    "request-body-int": ("paths/~v1~thing~{id}/get/requestBody", 5, OP + "/requestBody"),
    "request-content-int": ("paths/~v1~thing~{id}/get/requestBody/content", 5, OP + "/requestBody/content"),
    "responses-null": ("paths/~v1~thing~{id}/get/responses", None, OP + "/responses"),
    "responses-list": ("paths/~v1~thing~{id}/get/responses", [1], OP + "/responses"),
    "response-string": ("paths/~v1~thing~{id}/get/responses/200", "ok", OP + "/responses/200"),
    "content-int": ("paths/~v1~thing~{id}/get/responses/200/content", 5, OP + "/responses/200/content"),
    "media-type-string": (
        "paths/~v1~thing~{id}/get/responses/200/content/application~json",
        "x",
        OP + "/responses/200/content/application~1json",
    ),
    "examples-int": (
        "paths/~v1~thing~{id}/get/responses/200/content/application~json/examples",
        5,
        OP + "/responses/200/content/application~1json/examples",
    ),
    "example-string": (
        "paths/~v1~thing~{id}/get/responses/200/content/application~json/examples/ok",
        "x",
        OP + "/responses/200/content/application~1json/examples/ok",
    ),
    "response-schema-int": (
        "paths/~v1~thing~{id}/get/responses/200/content/application~json/schema",
        5,
        OP + "/responses/200/content/application~1json/schema",
    ),
    "security-int": ("paths/~v1~thing~{id}/get/security", 5, OP + "/security"),
    "security-requirement-string": ("security/0", "key", "/security/0"),
    "components-int": ("components", 5, "/components"),
    "schemas-list": ("components/schemas", [], "/components/schemas"),
    "schema-string": ("components/schemas/A", "object", "/components/schemas/A"),
    "properties-int": ("components/schemas/A/properties", 5, "/components/schemas/A/properties"),
    "all-of-int": ("components/schemas/A/allOf", 5, "/components/schemas/A/allOf"),
    "enum-int": (
        "components/schemas/A/properties/data/enum",
        5,
        "/components/schemas/A/properties/data/enum",
    ),
    "security-schemes-int": ("components/securitySchemes", 5, "/components/securitySchemes"),
    "security-scheme-string": ("components/securitySchemes/key", "apiKey", "/components/securitySchemes/key"),
    "operation-without-responses": ("paths/~v1~thing~{id}/get", {}, OP),
    "type-list-of-numbers": ("components/schemas/A/type", [1], "/components/schemas/A/type"),
    "servers-int": ("servers", 5, "/servers"),
    "server-string": ("servers/0", "https://api.heygen.com", "/servers/0"),
}
COMMANDS = (["lint"], ["spec"], ["serve", "--port", "0", "--no-scenarios"])


@pytest.mark.parametrize("case", sorted(SHAPES))
def test_malformed_spec_shape_is_one_line(tmp_path, case):
    at, value, where = SHAPES[case]
    specs = tmp_path / "specs"
    write(specs, {"a.json": json.dumps(broken(at, value))})
    for command in COMMANDS:
        result = run_cli(*command, "--specs", str(specs), timeout=HANG)
        assert_one_clear_line(result, f"a.json:{where}:", "")


YAML_SPEC = """openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /v1/thing/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        %s
"""
TEXT_SHAPES = {  # name: (the responses, the place the line names, what it says)
    "status-code-a-number": ("404: {description: no}", OP + "/responses/404", "quote it"),
    "apikey-without-name": (
        "'200': {description: ok}\ncomponents:\n  securitySchemes:\n    k: {type: apiKey, in: header}",
        "/components/securitySchemes/k/name",
        "missing",
    ),
    "request-schema-invalid": (
        "'200': {description: ok}\n      requestBody:\n        content:\n          application/json:\n"
        "            schema: {type: object, properties: {n: {type: strin}}}",
        OP + "/requestBody/content/application~1json/schema/properties/n/type",
        "not a valid JSON Schema",
    ),
}


@pytest.mark.parametrize("case", sorted(TEXT_SHAPES))
def test_malformed_yaml_spec_is_one_line(tmp_path, case):
    responses, where, what = TEXT_SHAPES[case]
    specs = tmp_path / "specs"
    write(specs, {"a.yaml": YAML_SPEC % responses})
    for command in COMMANDS:
        result = run_cli(*command, "--specs", str(specs), timeout=HANG)
        assert_one_clear_line(result, f"a.yaml:{where}:", what)


@pytest.mark.parametrize("schema", [True, "missing"])
def test_an_id_parameter_with_any_schema_loads_and_is_served(tmp_path, schema):
    """3.1's `schema: true`, or no schema at all: 'anything', served, not a crash at start-up."""
    from starlette.testclient import TestClient

    from mockserver import create_app

    doc = broken("paths/~v1~thing~{id}/get/parameters/0/schema", schema)
    if schema == "missing":
        del doc["paths"]["/v1/thing/{id}"]["get"]["parameters"][0]["schema"]
    specs = tmp_path / "specs"
    write(specs, {"a.json": json.dumps(doc)})
    with TestClient(create_app(specs, None), base_url="http://fake") as client:
        assert client.get("/v1/thing/abc", headers=KEY).status_code == 200
        assert client.get("/__mock/openapi.json").status_code == 200


def test_a_create_call_without_its_status_operation_is_one_line(tmp_path):
    """A specs folder holding a vendor's create calls but not the status call that polls their jobs."""
    from .conftest import SPECS

    specs = tmp_path / "specs"
    write(specs / "heygen", {"create.yaml": (SPECS / "heygen" / "supplement" / "create.yaml").read_text()})
    for command in COMMANDS:
        result = run_cli(*command, "--specs", str(specs), timeout=HANG)
        assert_one_clear_line(result, "create.yaml:/paths/", "heygen.video_status")


def test_malformed_vendor_spec_beside_the_shipped_ones(tmp_path):
    """A broken file in a vendor's folder of a copied specs dir: found by --specs's recursive search."""
    import shutil

    from .conftest import SPECS

    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    write(specs / "heygen", {"extra.json": json.dumps(broken("paths/~v1~thing~{id}/get/responses", None))})
    for command in COMMANDS:
        result = run_cli(*command, "--specs", str(specs), timeout=HANG)
        assert_one_clear_line(result, f"extra.json:{OP}/responses:", "")


def test_a_spec_alias_bomb_is_refused_by_serve(tmp_path):
    specs = tmp_path / "specs"
    write(specs, {"a.yaml": "openapi: 3.1.0\n" + BOMB})
    result = run_cli("serve", "--port", "0", "--specs", str(specs), timeout=HANG)
    assert_one_clear_line(result, "a.yaml", "YAML aliases expand")


def test_a_scenario_alias_bomb_is_refused_by_serve(tmp_path):
    folder = tmp_path / "scen"
    write(folder, {"s.yaml": BOMB})
    result = run_cli("serve", "--port", "0", "--scenarios", str(folder), timeout=HANG)
    assert_one_clear_line(result, "s.yaml", "YAML aliases expand")


@pytest.mark.parametrize("speed", ["inf", "nan", "1e308", "-1", "0", "1e-300"])
def test_clock_speed_out_of_range_is_one_line(speed):
    """1e-300 was served, and a delayed answer (60 s at most) then never came: 60 / 1e-300 seconds."""
    result = run_cli("serve", "--port", "0", "--clock-speed", speed, timeout=HANG)
    assert_one_clear_line(result, f"--clock-speed {float(speed)}", "is out of range")


CATCH_ALL = {
    "openapi": "3.1.0",
    "info": {"title": "catch-all", "version": "1"},
    "servers": [{"url": "https://api.heygen.com"}],
    "paths": {
        "/{a}/{b}": {"get": {"responses": {"200": {"description": "ok"}}}},
        "/{a}/{b}/{c}/{d}": {"get": {"responses": {"200": {"description": "ok"}}}},
    },
}


def test_the_fakes_own_routes_win_over_a_patterned_vendor_path(tmp_path):
    """`GET /{a}/{b}` in a spec must not answer /__mock/health, nor a media link, as a vendor call."""
    import shutil

    from starlette.testclient import TestClient

    from mockserver import create_app

    from .conftest import SPECS

    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    write(specs / "heygen", {"catch_all.json": json.dumps(CATCH_ALL)})
    with TestClient(create_app(specs, None), base_url="http://fake") as client:
        health = client.get("/__mock/health")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert "x-mock-operation" not in health.headers
        media = client.get("/__media/heygen/v1/video.mp4?Expires=1&Signature=x")
        assert media.status_code == 403 and media.headers["content-type"].startswith("text/xml")
        assert "x-mock-operation" not in media.headers
        vendor = client.get("/some/thing")  # the vendor path itself still answers
        assert vendor.headers["x-mock-operation"] == "heygen.root"


@pytest.mark.parametrize("path", ["/__mock/x", "/__media/a/b/c", "/__mock"])
def test_a_fixed_vendor_path_under_the_fakes_routes_is_refused(tmp_path, path):
    doc = {**CATCH_ALL, "paths": {path: CATCH_ALL["paths"]["/{a}/{b}"]}}
    specs = tmp_path / "specs"
    write(specs, {"a.json": json.dumps(doc)})
    prefix = "/" + path.split("/")[1]
    assert_one_clear_line(
        run_cli("lint", "--specs", str(specs), timeout=HANG), "a.json:/paths/", f"under {prefix}"
    )


def test_a_webhook_registry_call_without_a_200_example_is_one_line(tmp_path):
    """The registry answers in the 200 example's envelope: a spec documenting none is refused at load."""
    import shutil

    import yaml

    from .conftest import SPECS

    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    hooks = specs / "heygen" / "supplement" / "webhooks.yaml"
    doc = yaml.safe_load(hooks.read_text())
    responses = doc["paths"]["/v1/webhook/endpoint.add"]["post"]["responses"]
    responses["201"] = responses.pop("200")
    hooks.write_text(yaml.safe_dump(doc, sort_keys=False))
    result = run_cli("serve", "--port", "0", "--specs", str(specs), timeout=HANG)
    assert_one_clear_line(result, "webhooks.yaml:/paths/", "documents no 200 example")


def _nested(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a.yaml", "openapi: 3.1.0\nx: " + _nested(100_000) + "\n"),  # libyaml's composer segfaulted
        ("a.json", '{"openapi": "3.1.0",\n"x": ' + _nested(700) + "}"),  # parsed, then deepcopy recursed
    ],
    ids=["yaml", "json"],  # short ids: a test's id is in PYTEST_CURRENT_TEST, which subprocesses inherit
)
def test_a_deeply_nested_spec_file_is_one_line(tmp_path, name, text):
    specs = tmp_path / "specs"
    write(specs, {name: text})
    for command in COMMANDS:
        result = run_cli(*command, "--specs", str(specs), timeout=HANG)
        assert_one_clear_line(result, f"{name}:line 2:", "nested deeper than 100 levels")


def test_a_deeply_nested_scenario_body_is_one_line(tmp_path):
    folder = tmp_path / "scen"
    scenario = "scenarios:\n  - name: deep\n    operation: heygen.video_status\n    steps:\n      - body: "
    write(folder, {"s.yaml": scenario + _nested(3_000) + "\n"})
    result = run_cli("serve", "--port", "0", "--scenarios", str(folder), timeout=HANG)
    assert_one_clear_line(result, "s.yaml:line 5:", "nested deeper than 100 levels")


def test_a_spec_nested_to_the_bound_still_loads(tmp_path):
    """The bound leaves room: 100 levels (the shipped specs reach 17) is read as before."""
    specs = tmp_path / "specs"
    doc = copy.deepcopy(MINI)
    doc["x-deep"] = json.loads(_nested(99))  # the document itself is the 100th level
    write(specs, {"a.json": json.dumps(doc)})
    result = run_cli("lint", "--specs", str(specs), timeout=HANG)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("path", "what"),
    [
        ("/x/{a}/{a}", "written twice"),  # Starlette: Duplicated param name, a traceback at serve
        ("/x/{a:bogus}", "not a name the server can route"),  # Starlette: Unknown path convertor
        ("/x/{a:path}", "not a name the server can route"),  # silently one of Starlette's convertors
        ("/x/{a-b}", "not a name the server can route"),  # silently a literal '{a-b}': never matched
        ("/x/{a", "around no parameter name"),
    ],
)
def test_an_unroutable_path_template_is_one_line(tmp_path, path, what):
    doc = {**CATCH_ALL, "paths": {path: CATCH_ALL["paths"]["/{a}/{b}"]}}
    specs = tmp_path / "specs"
    write(specs, {"a.json": json.dumps(doc)})
    where = "a.json:/paths/" + path.replace("/", "~1") + ":"
    for command in COMMANDS:
        assert_one_clear_line(run_cli(*command, "--specs", str(specs), timeout=HANG), where, what)


def test_a_chain_of_yaml_aliases_nested_past_the_bound_is_one_line(tmp_path):
    """Each anchor holds the one before: few events, few values, but data nested 1,350 deep."""
    lines = ["a0: &a0 [1]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 1350)]
    specs = tmp_path / "specs"
    write(specs, {"a.yaml": "openapi: 3.1.0\n" + "\n".join(lines) + "\n"})
    for command in COMMANDS:
        result = run_cli(*command, "--specs", str(specs), timeout=HANG)
        assert_one_clear_line(result, "a.yaml", "nested deeper than 100 levels")


def test_an_unterminated_json_string_full_of_escaped_quotes_is_read_in_linear_time(tmp_path):
    """The depth scan once re-read such a string from each of its quotes: 160 kB took a minute."""
    specs = tmp_path / "specs"
    write(specs, {"a.json": '{"x": "' + '\\"' * 80_000 + "[" * 101})
    result = run_cli("lint", "--specs", str(specs), timeout=HANG)
    assert_one_clear_line(result, "a.json", "invalid JSON")
