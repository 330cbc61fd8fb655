"""Scenario files checked for structure by the shipped JSON Schema, then for meaning: one line per mistake."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver.engine import scenario_file, scenario_schema
from mockserver.engine.scenario import FAULTS, OUTCOMES, SCENARIO_KEYS, STEP_KEYS, STEP_KINDS
from mockserver.engine.scenario_file import ScenarioLoader
from mockserver.spec.catalog import Catalog
from mockserver.spec.errors import ConfigError
from mockserver.spec.profile import ERROR_NAMES
from mockserver.spec.reader import LINE

from ..conftest import SCENARIOS

HEAD = "name: x\noperation: heygen.video_status\n"
SHIPPED = sorted(p for p in SCENARIOS.rglob("*") if p.suffix in (".yaml", ".yml"))


@pytest.fixture
def loader(catalog: Catalog) -> ScenarioLoader:
    return ScenarioLoader(catalog)


def refusal(loader: ScenarioLoader, tmp_path: Path, text: str) -> str:
    """The one line a scenario file is refused with."""
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        loader.load_file(path)
    line = caught.value.line()
    assert "\n" not in line and line.startswith(f"{path}:") and "Fix:" in line, line
    return line


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        (
            HEAD + "steps:\n  - example: Pending\n    polls: three\n  - example: Completed\n",
            "line 4",
            "'polls: three'",
        ),
        (HEAD + "steps: 5\n", "line 1", "has no list of steps"),
        (HEAD + "description: 5\nsteps: [{example: Pending}]\n", "line 1", "'description: 5' is not text"),
        (HEAD + "steps:\n  - example: Pending\n    headers: {A: [1]}\n", "line 4", "bad headers"),
        (HEAD + "steps:\n  - outcome: sucess\n", "line 4", "unknown outcome 'sucess'"),
        (HEAD + "stepz: [{example: Pending}]\n", "line 1", "unknown key 'stepz'"),
    ],
)
def test_wrong_structure_refused_with_one_line(loader, tmp_path, text, where, what):
    line = refusal(loader, tmp_path, text)
    assert f"s.yaml:{where}:" in line and what in line, line


def test_structure_error_names_the_step_line_inside_a_list(loader, tmp_path):
    text = (
        "scenarios:\n  - "
        + HEAD.replace("\n", "\n    ")
        + "steps:\n      - example: Pending\n        polls: 0\n"
    )
    line = refusal(loader, tmp_path, text)
    assert "s.yaml:line 5:" in line and "'polls: 0' is not a positive whole number" in line, line


def test_duplicate_key_refused_with_its_line(loader, tmp_path):
    line = refusal(loader, tmp_path, "name: a\nname: a\noperation: '*'\nsteps: [{outcome: success}]\n")
    assert "s.yaml:line 2:" in line and "key 'name' is written twice" in line, line


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_every_shipped_file_loads(loader, path):
    assert loader.load_file(path)


def test_admin_api_structure_error_is_a_config_error(loader):
    raw = {
        "name": "x",
        "operation": "heygen.video_status",
        "steps": [{"example": "Pending", "polls": "three"}],
    }
    with pytest.raises(ConfigError) as caught:
        loader.parse(raw, "(admin API)")
    assert caught.value.line().startswith("(admin API):/steps/0/polls: 'polls: three' is not"), caught.value
    with pytest.raises(ConfigError, match="a scenario is not a mapping"):
        loader.parse(["x"], "(admin API)")


def test_schema_is_the_one_source_of_keys_and_names():
    """The schema and the engine's constants name the same keys, kinds, errors, outcomes and faults."""
    defs = json.loads(scenario_file.SCHEMA.read_text())["$defs"]
    step = defs["step"]["properties"]
    assert set(defs["scenario"]["properties"]) == SCENARIO_KEYS - {LINE}
    assert set(step) == STEP_KEYS - {LINE}
    assert [one["required"][0] for one in defs["step"]["oneOf"]] == list(STEP_KINDS)
    assert (step["error"]["enum"], step["outcome"]["enum"]) == (list(ERROR_NAMES), list(OUTCOMES))
    assert step["fault"]["enum"] == list(FAULTS)


@pytest.fixture
def no_schema(monkeypatch, tmp_path) -> Iterator[None]:
    """An install without the schema file: the compiled schema is forgotten before and after."""
    monkeypatch.setattr(scenario_schema, "SCHEMA", tmp_path / "missing.json")
    scenario_schema._schema.cache_clear()
    scenario_schema._validator.cache_clear()
    yield
    scenario_schema._schema.cache_clear()
    scenario_schema._validator.cache_clear()


def test_without_the_schema_files_still_load_and_mistakes_are_one_line(loader, tmp_path, no_schema):
    assert loader.load_dir(SCENARIOS)
    folder = tmp_path / "bad"
    folder.mkdir()
    line = refusal(loader, folder, HEAD + "steps: 5\n")
    assert "s.yaml:line 1:" in line, line
