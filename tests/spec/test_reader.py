"""The one file reader: a key written twice, an alias bomb, a bad file: one line each, exit 2."""

from __future__ import annotations

import shutil

import pytest

from mockserver.spec.errors import ConfigError
from mockserver.spec.reader import read_document

from ..conftest import SPECS, run_cli

SPEC_JSON = (
    '{\n  "openapi": "3.1.0",\n  "info": {"title": "t", "version": "1"},\n  "paths": {},\n  "paths": {}\n}\n'
)
SPEC_YAML = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {}\n  /a:\n    get: {}\n"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize(
    ("name", "text", "line", "key"), [("dup.json", SPEC_JSON, 5, "paths"), ("dup.yaml", SPEC_YAML, 6, "/a")]
)
def test_a_key_written_twice_is_refused_with_its_line(tmp_path, name, text, line, key):
    (tmp_path / name).write_text(text)
    with pytest.raises(ConfigError) as caught:
        read_document(tmp_path / name)
    assert (
        caught.value.line()
        == f"{tmp_path / name}:line {line}: key '{key}' is written twice. Fix: keep one of the two"
    )
    shutil.copytree(SPECS, tmp_path / "specs")
    (tmp_path / "specs" / name).write_text(text)
    done = run_cli("lint", "--specs", str(tmp_path / "specs"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"mockserver: {tmp_path / 'specs' / name}:line {line}: key '{key}' is written twice. Fix: keep one of the two"
    ]


def test_scenario_files_refuse_duplicate_keys_too(tmp_path):
    (tmp_path / "s.yaml").write_text("name: a\noperation: '*'\nname: b\nsteps: [{error: not_found}]\n")
    done = run_cli("serve", "--port", "0", "--scenarios", str(tmp_path))
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == f"mockserver: {tmp_path / 's.yaml'}:line 3: key 'name' is written twice. Fix: keep one of the two"
    )


def test_an_alias_bomb_is_refused_not_expanded(tmp_path):
    (tmp_path / "bomb.yaml").write_text(BOMB)
    with pytest.raises(ConfigError, match="YAML aliases expand to more than 1,000,000 values"):
        read_document(tmp_path / "bomb.yaml")


def test_dates_stay_strings_and_lines_are_marked(tmp_path):
    (tmp_path / "d.yaml").write_text("when: 2024-01-02\nnested:\n  at: 2024-01-02T10:00:00Z\n")
    assert read_document(tmp_path / "d.yaml") == {
        "when": "2024-01-02",
        "nested": {"at": "2024-01-02T10:00:00Z"},
    }
    marked = read_document(tmp_path / "d.yaml", lines=True)
    assert marked["__line__"] == 1 and marked["nested"]["__line__"] == 3


def test_yaml_merge_keys_still_merge(tmp_path):
    (tmp_path / "m.yaml").write_text("base: &b {x: 1}\none:\n  <<: *b\n  y: 2\n")
    assert read_document(tmp_path / "m.yaml") == {"base": {"x": 1}, "one": {"x": 1, "y": 2}}
