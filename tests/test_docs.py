"""Every runnable code block of the README and docs/ runs against a live fake, and every relative
link points at a file (and heading) that exists, so the docs cannot drift from the code.

A block is runnable when its fence says so: ```bash runnable (a shell script, run with
`bash -euo pipefail` against a live `mockserver serve`, its `http://127.0.0.1:8000` replaced by the
fake's URL; flags after `runnable` are passed to `serve`), or ```python runnable (a pytest file
using the plugin, or a script given the fake's URL the same way).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, LiveServer

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w+) runnable([^\n]*)\n(.*?)^```", re.M | re.S)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
DEFAULT_URL = "http://127.0.0.1:8000"


def blocks() -> list[tuple[str, str, list[str], str]]:
    found = []
    for page in PAGES:
        text = page.read_text()
        for m in FENCE.finditer(text):
            line = text[: m.start()].count("\n") + 1
            found.append((f"{page.relative_to(ROOT)}:{line}", m.group(1), m.group(2).split(), m.group(3)))
    return found


BLOCKS = blocks()


def test_the_readme_marks_its_walk_and_its_plugin_example_runnable():
    readme = {lang for where, lang, _, _ in BLOCKS if where.startswith("README.md:")}
    assert readme == {"bash", "python"}


def _env() -> dict[str, str]:
    """This interpreter's `python` and `mockserver` first on PATH, as in an activated venv."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}


@pytest.mark.parametrize(("where", "lang", "flags", "code"), BLOCKS, ids=[b[0] for b in BLOCKS])
def test_runnable_block(tmp_path: Path, where: str, lang: str, flags: list[str], code: str):
    if lang == "python" and "def test_" in code:
        (tmp_path / "test_block.py").write_text(code)
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_block.py"]
        result = subprocess.run(
            command, cwd=tmp_path, capture_output=True, text=True, timeout=120, env=_env()
        )
        assert result.returncode == 0, f"{where}\n{result.stdout[-3000:]}{result.stderr[-2000:]}"
        return
    assert lang in ("bash", "python"), f"{where}: no runner for {lang} blocks"
    server = LiveServer(tmp_path, *flags)
    try:
        script = code.replace(DEFAULT_URL, server.url)
        command = (
            ["bash", "-euo", "pipefail", "-c", script] if lang == "bash" else [sys.executable, "-c", script]
        )
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60, env=_env())
    finally:
        server.stop()
    assert result.returncode == 0, f"{where}\n{result.stdout[-3000:]}{result.stderr[-2000:]}"
    for drift in ("no route ", "unknown scenario", "unknown operation"):  # a path or name that moved
        assert drift not in result.stdout, f"{where}: {drift!r} in\n{result.stdout[-3000:]}"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", page.read_text(), flags=re.M | re.S)
    return {slug(m.group(1)) for m in re.finditer(r"^#+ (.+)$", text, re.M)}


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_relative_links_point_at_what_exists(page: Path):
    broken = []
    for target in LINK.findall(page.read_text()):
        if re.match(r"[a-z]+:", target):
            continue  # http(s), mailto: not ours to check offline
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{target}: no heading '{anchor}' in {file.name}")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)
