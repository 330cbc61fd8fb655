"""The README's lint table is generated from `mockserver lint --json`, so its counts cannot drift."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGENERATE = "python tools/lint_table.py --write"


def _generated() -> str:
    done = subprocess.run(
        [sys.executable, "tools/lint_table.py"], cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, f"{done.stderr.strip()} (regenerate with: {REGENERATE})"
    return done.stdout.strip()


def test_readme_lint_table_matches_the_lint():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- lint-table:start -->", "<!-- lint-table:end -->"
    assert start in text and end in text, (
        f"README.md lost its lint-table markers; add them and run {REGENERATE}"
    )
    in_readme = text.split(start, 1)[1].split(end, 1)[0].strip()
    assert in_readme == _generated(), f"README.md's lint table is stale: run {REGENERATE}"


def test_every_rule_has_a_meaning_for_the_table(catalog):
    from mockserver.spec.lint_kinds import MEANINGS

    missing = sorted({f.kind for f in catalog.findings} - set(MEANINGS))
    assert missing == [], f"add a one-line meaning to mockserver/spec/lint_kinds.py, then run {REGENERATE}"
