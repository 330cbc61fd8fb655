"""Every user mistake in a spec or scenario file: one line naming file, place and fix; exit 2."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest

from mockserver.engine.options import field_kind, flag_name, option_fields

from .conftest import SPECS, run_cli

MINI = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "servers": [{"url": "https://api.heygen.com"}],
    "paths": {
        "/v1/thing/{id}": {
            "get": {
                "operationId": "thing",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}},
                    }
                },
            }
        }
    },
    "components": {"schemas": {"A": {"type": "object", "properties": {"data": {"type": "object"}}}}},
}


def spec_with(**components) -> str:
    doc = json.loads(json.dumps(MINI))
    doc["components"]["schemas"].update(components)
    return json.dumps(doc)


SPEC_CASES = {
    "not-json": ({"a.json": '{"openapi": "3.1.0",\n  "paths": {'}, "a.json:line 2", "invalid JSON"),
    "not-yaml": ({"a.yaml": "openapi: 3.0.1\npaths: [unclosed\n"}, "a.yaml:line", "invalid YAML"),
    "dangling-ref": (
        {"a.json": spec_with(A={"$ref": "#/components/schemas/Missing"})},
        "a.json:/components/schemas/A/$ref",
        "points nowhere",
    ),
    "ref-cycle": (
        {"a.json": spec_with(A={"$ref": "#/components/schemas/B"}, B={"$ref": "#/components/schemas/A"})},
        "a.json:",
        "$ref cycle",
    ),
    "recursive-schema": (
        {
            "a.json": spec_with(
                A={"type": "object", "properties": {"self": {"$ref": "#/components/schemas/A"}}}
            )
        },
        "a.json:",
        "recursive schema",
    ),
    "empty-folder": ({}, "specs", "no OpenAPI files"),
    "same-path-twice": (
        {"a.json": json.dumps(MINI), "b.json": json.dumps(MINI)},
        "b.json:/paths/~1v1~1thing~1{id}/get",
        "already defined in",
    ),
    "not-utf8": ({"a.json": b'{"openapi": "3.1.0", "x": "\xff\xfe"}'}, "a.json:byte", "not UTF-8"),
    "not-openapi": (
        {"a.yaml": "swagger: '2.0'\npaths: {}\n"},
        "a.yaml:/openapi",
        "unsupported OpenAPI version",
    ),
    "admin-path": (
        {"a.json": json.dumps({**MINI, "paths": {"/__mock/x": MINI["paths"]["/v1/thing/{id}"]}})},
        "a.json:/paths/~1__mock~1x",
        "admin API",
    ),
}


def write(folder: Path, files: dict[str, str | bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        target = folder / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)


def assert_one_clear_line(result, where: str, what: str) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert "Traceback" not in result.stderr
    assert where in line, line
    assert what in line, line
    assert "Fix:" in line, line
    return line


@pytest.mark.parametrize("case", sorted(SPEC_CASES))
def test_bad_spec_refused_with_one_line(tmp_path, case):
    files, where, what = SPEC_CASES[case]
    specs = tmp_path / "specs"
    write(specs, files)
    for command in (["lint", "--specs", str(specs)], ["serve", "--port", "0", "--specs", str(specs)]):
        assert_one_clear_line(run_cli(*command), where, what)


def test_huge_spec_refused(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "big.json").write_text('{"openapi": "3.1.0", "pad": "' + "x" * (11 * 1024 * 1024) + '"}')
    assert_one_clear_line(run_cli("lint", "--specs", str(specs)), "big.json", "over the 10 MB limit")


SCENARIO_CASES = {
    "yaml-syntax": ("name: x\noperation: [oops\n", "s.yaml:line", "invalid YAML"),
    "unknown-operation": (
        "name: x\noperation: heygen.nope\nsteps:\n  - example: Pending\n",
        "s.yaml:line 1",
        "unknown operation 'heygen.nope'",
    ),
    "unknown-example": (
        "scenarios:\n  - name: x\n    operation: heygen.video_status\n    steps:\n      - example: Finished\n",
        "s.yaml:line 5",
        "unknown example 'Finished'",
    ),
    "bad-duration": (
        "name: x\noperation: heygen.video_status\nsteps:\n  - example: Pending\n    for: soon\n  - example: Completed\n",
        "s.yaml:line 4",
        "bad duration 'for: soon'",
    ),
    "no-polls-before-last": (
        "name: x\noperation: heygen.video_status\nsteps:\n  - example: Pending\n  - example: Completed\n",
        "s.yaml:line 4",
        "neither 'polls' nor 'for'",
    ),
    "bad-regex": (
        "name: x\noperation: heygen.video_status\nmatch: '^(fail'\nsteps:\n  - example: Failed\n",
        "s.yaml:line 1",
        "invalid 'match' regex",
    ),
    "negative-polls": (
        "name: x\noperation: heygen.video_status\nsteps:\n  - example: Pending\n    polls: -1\n  - example: Failed\n",
        "s.yaml:line 4",
        "not a positive whole number",
    ),
    "unknown-step-kind": (
        "name: x\noperation: heygen.video_status\nsteps:\n  - explode: now\n",
        "s.yaml:line 4",
        "unknown step key 'explode'",
    ),
    "two-kinds": (
        "name: x\noperation: heygen.video_status\nsteps:\n  - example: Pending\n    fault: reset\n",
        "s.yaml:line 4",
        "exactly one of",
    ),
    "bad-delay": (
        "name: x\noperation: '*'\nsteps:\n  - outcome: success\n    delay: {uniform: [2s, 1s]}\n",
        "s.yaml:line 4",
        "bad delay",
    ),
    "unknown-error": (
        "name: x\noperation: '*'\nsteps:\n  - error: teapot\n",
        "s.yaml:line 4",
        "unknown error 'teapot'",
    ),
    "limit-on-a-status-call": (
        "name: x\noperation: heygen.video_status\nlimit: {requests: 2, per: 1m}\n",
        "s.yaml:line 1",
        "not a create operation",
    ),
    "bad-limit": (
        "name: x\noperation: joggai.post_create_video_from_avatar\nlimit: {requests: 0, per: 1m}\n",
        "s.yaml:line 1",
        "not a positive whole number",
    ),
}


@pytest.mark.parametrize("case", sorted(SCENARIO_CASES))
def test_bad_scenario_refused_with_one_line(tmp_path, case):
    text, where, what = SCENARIO_CASES[case]
    folder = tmp_path / "scen"
    write(folder, {"s.yaml": text})
    line = assert_one_clear_line(run_cli("serve", "--port", "0", "--scenarios", str(folder)), where, what)
    if case in ("unknown-operation",):
        assert "heygen.video_status" in line  # the valid choices are listed
    if case == "unknown-example":
        assert "'Completed'" in line


def test_duplicate_scenario_name_names_both_files(tmp_path):
    folder = tmp_path / "scen"
    body = "name: twice\noperation: '*'\nsteps:\n  - outcome: success\n"
    write(folder, {"a.yaml": body, "b.yaml": body})
    line = assert_one_clear_line(
        run_cli("serve", "--port", "0", "--scenarios", str(folder)), "b.yaml:line 1", "already used"
    )
    assert "a.yaml" in line


def test_scenario_not_utf8(tmp_path):
    folder = tmp_path / "scen"
    write(folder, {"s.yaml": b"name: \xff\n"})
    assert_one_clear_line(
        run_cli("serve", "--port", "0", "--scenarios", str(folder)), "s.yaml:byte", "not UTF-8"
    )


def test_port_in_use(tmp_path):
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    try:
        line = assert_one_clear_line(
            run_cli("serve", "--port", str(port)), f"127.0.0.1:{port}", "cannot listen"
        )
        assert "--port" in line
    finally:
        holder.close()


@pytest.mark.parametrize("port", ["70000", "-1"])
def test_port_out_of_range(port):
    assert_one_clear_line(run_cli("serve", "--port", port), f"--port {port}", "not a TCP port")


def test_ready_file_in_a_missing_folder(tmp_path):
    ready = tmp_path / "nope" / "ready.txt"
    assert_one_clear_line(
        run_cli("serve", "--port", "0", "--ready-file", str(ready)), "--ready-file", "folder does not exist"
    )


def test_ready_file_that_is_a_folder(tmp_path):
    """Was: the ready line, then IsADirectoryError and exit 1 once the fake had started."""
    result = run_cli("serve", "--port", "0", "--ready-file", str(tmp_path), timeout=20)
    assert_one_clear_line(result, f"--ready-file {tmp_path}", "is a folder")
    assert "ready at" not in result.stdout


@pytest.mark.skipif(not Path("/proc/version").is_file(), reason="needs Linux's /proc")
def test_ready_file_that_cannot_be_written():
    """/proc/version opens for writing as root, yet takes no URL: refused before anything is served."""
    result = run_cli("serve", "--port", "0", "--ready-file", "/proc/version", timeout=20)
    assert_one_clear_line(result, "--ready-file /proc/version", "cannot be written")
    assert "ready at" not in result.stdout


def test_a_failed_start_leaves_no_ready_file_and_clears_a_stale_one(tmp_path):
    """A script waiting with `until [ -f F ]` must not see an empty or stale file for a fake that
    never answered."""
    ready = tmp_path / "url"
    ready.write_text("http://127.0.0.1:1\n")  # from an earlier run
    result = run_cli("serve", "--port", "0", "--ready-file", str(ready), "--specs", str(tmp_path / "none"))
    assert result.returncode == 2, result.stderr
    assert not ready.exists() and list(tmp_path.iterdir()) == []


def test_the_ready_file_is_made_as_open_would_make_it(tmp_path):
    """Written by rename from a temporary file, yet with the umask's mode, not mkstemp's 0600."""
    import os
    import stat

    from .conftest import LiveServer

    server = LiveServer(tmp_path)
    try:
        mask = os.umask(0)
        os.umask(mask)
        assert stat.S_IMODE(server.ready.stat().st_mode) == 0o666 & ~mask
    finally:
        server.stop()


NUMERIC_FLAGS = [flag_name(f) for f in option_fields() if field_kind(f) in ("int", "float")]


@pytest.mark.parametrize("flag", NUMERIC_FLAGS)
def test_a_huge_number_for_any_numeric_flag_is_one_line(flag):
    """Was: --journal-size an OverflowError traceback; the others served with a value nothing bounds."""
    result = run_cli("serve", "--port", "0", flag, "99999999999999999999", timeout=20)
    assert_one_clear_line(result, flag, "out of range")


@pytest.mark.parametrize("value", ["0", "-1", "nan"])
def test_header_timeout_out_of_range(value):
    assert_one_clear_line(
        run_cli("serve", "--port", "0", "--header-timeout", value), "--header-timeout", "out of range"
    )


def test_user_specs_folder_loads_extra_files(tmp_path):
    """A user can drop a further spec into a vendor folder and it is served."""
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    write(specs / "heygen", {"thing.json": json.dumps(MINI)})
    result = run_cli("lint", "--json", "--specs", str(specs))
    assert result.returncode == 0, result.stderr
    assert any("thing.json" in f["spec"] for f in json.loads(result.stdout))


def test_huge_scenario_file_refused(tmp_path):
    folder = tmp_path / "scen"
    folder.mkdir()
    (folder / "big.yaml").write_text("# " + "x" * (11 * 1024 * 1024) + "\n")
    assert_one_clear_line(run_cli("serve", "--port", "0", "--scenarios", str(folder)), "big.yaml", "10 MB")


def test_missing_folders(tmp_path):
    assert_one_clear_line(run_cli("lint", "--specs", str(tmp_path / "nope")), "nope", "does not exist")
    assert_one_clear_line(
        run_cli("serve", "--port", "0", "--scenarios", str(tmp_path / "nope")), "nope", "does not exist"
    )
