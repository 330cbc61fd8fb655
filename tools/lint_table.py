"""The README's lint table, generated from `mockserver lint --json` so its counts cannot drift.

    python tools/lint_table.py           # print the table
    python tools/lint_table.py --write   # rewrite it in README.md, between its markers

Every rule is listed, with 0 where it finds nothing in `specs/`; a kind without a one-line
meaning in `mockserver/spec/lint_kinds.py` stops the generator (write one there).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tools.readme_section import Section  # noqa: E402

SECTION = Section("lint-table")
REGENERATE = "python tools/lint_table.py --write"


def table() -> str:
    from mockserver.spec.lint_kinds import MEANINGS

    done = subprocess.run(
        [sys.executable, "-m", "mockserver", "lint", "--json", "--specs", "specs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    counts = Counter(f["kind"] for f in json.loads(done.stdout))
    unknown = sorted(set(counts) - set(MEANINGS))
    if unknown:
        raise SystemExit(
            f"lint kinds without a meaning: {unknown}; add them to mockserver/spec/lint_kinds.py"
        )
    rows = [f"| `{kind}` | {counts[kind]} | {MEANINGS[kind]} |" for kind in sorted(MEANINGS)]
    total = f"| total | {sum(counts.values())} | |"
    return "\n".join(["| rule | count | meaning |", "|---|---|---|", *rows, total])


def readme_table(text: str) -> str:
    """The table between the README's markers."""
    return SECTION.read(text)


def main() -> None:
    SECTION.main(table())


if __name__ == "__main__":
    main()
