"""The README's endpoint table, generated from `GET /__mock/routes` so it cannot drift from what is served.

    python tools/routes_table.py           # print the table
    python tools/routes_table.py --write   # rewrite it in README.md, between its markers

One row per operation the shipped specs define: method, the path a client calls (a path two vendors
share is served under each vendor's prefix), the state it reads or writes, and its source page.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tools.readme_section import Section  # noqa: E402

SECTION = Section("routes-table")
START, END = SECTION.start, SECTION.end
REGENERATE = "python tools/routes_table.py --write"


def served_routes() -> list[dict[str, Any]]:
    """What the fake itself says it serves, asked over HTTP (in process)."""
    from starlette.testclient import TestClient

    from mockserver import create_app

    with TestClient(create_app(ROOT / "specs", ROOT / "scenarios"), base_url="http://fake") as client:
        answer = client.get("/__mock/routes")
        answer.raise_for_status()
        return answer.json()


def table(routes: list[dict[str, Any]]) -> str:
    rows = [
        f"| {r['vendor']} | `{r['method']} {r['route']}` | {r['kind']} | {r['source'].replace('|', '/')} |"
        for r in sorted(routes, key=lambda r: (r["vendor"], r["path"], r["method"]))
    ]
    return "\n".join(["| vendor | call | state | source |", "|---|---|---|---|", *rows])


def readme_table(text: str) -> str:
    """The table between the README's markers."""
    return SECTION.read(text)


def main() -> None:
    SECTION.main(table(served_routes()))


if __name__ == "__main__":
    main()
