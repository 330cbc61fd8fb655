"""The README's example files work once copied out of the repository, as a user copies them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT


def copy_examples(to: Path) -> None:
    """What a user copies: the example files themselves, no package marker."""
    files = [f for f in sorted((ROOT / "examples").glob("*.py")) if not f.name.startswith("__")]
    assert {f.name for f in files} >= {"polling_client.py", "test_polling_client.py"}
    to.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy(f, to / f.name)


def test_examples_pass_copied_into_an_empty_folder(tmp_path: Path):
    copy_examples(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    assert " passed" in out and "skipped" not in out and "error" not in out.lower(), out[-3000:]
