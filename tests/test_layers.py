"""The four layers hold: reading specs loads no web stack, and the import contracts catch a break."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT


def _python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_spec_and_engine_load_no_web_stack():
    code = (
        "import sys, mockserver.spec.catalog, mockserver.engine.fake, mockserver.engine.options\n"
        "print(sorted(m for m in ('starlette', 'uvicorn', 'click') if m in sys.modules))"
    )
    assert _python(code) == "[]"


def test_the_package_root_imports_lazily():
    assert (
        _python("import sys, mockserver; print(len([m for m in sys.modules if m.startswith('mockserver.')]))")
        == "0"
    )
    assert _python("import mockserver; print(mockserver.create_app.__module__)") == "mockserver.server.app"


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("engine/clock.py", "import starlette.requests\n", "Only the server imports starlette and uvicorn"),
        (
            "spec/catalog.py",
            "from ..engine import fake as _fake\n",
            "Layers: cli > kit > server > engine > spec",
        ),
        (
            "engine/store.py",
            "from ..server import app as _app\n",
            "Layers: cli > kit > server > engine > spec",
        ),
    ],
)
def test_breaking_a_layer_on_purpose_fails_lint_imports(tmp_path, module, line, contract):
    if shutil.which("lint-imports") is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    shutil.copytree(
        ROOT / "mockserver", tmp_path / "mockserver", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    clean = subprocess.run(
        ["lint-imports"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert clean.returncode == 0, clean.stdout
    target = tmp_path / "mockserver" / module
    target.write_text(target.read_text() + "\n" + line)
    broken = subprocess.run(
        ["lint-imports"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert broken.returncode != 0
    assert f"{contract} BROKEN" in broken.stdout
