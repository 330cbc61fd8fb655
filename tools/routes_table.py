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
README = ROOT / "README.md"
START, END = "<!-- routes-table:start -->", "<!-- routes-table:end -->"
REGENERATE = "python tools/routes_table.py --write"


def served_routes() -> list[dict[str, Any]]:
    """What the fake itself says it serves, asked over HTTP (in process)."""
    sys.path.insert(0, str(ROOT))
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
    if START not in text or END not in text:
        raise SystemExit(f"README.md has no {START} ... {END} markers")
    return text.split(START, 1)[1].split(END, 1)[0].strip()


def main() -> None:
    fresh = table(served_routes())
    if "--write" not in sys.argv[1:]:
        print(fresh)
        return
    text = README.read_text(encoding="utf-8")
    readme_table(text)  # the markers are there
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    README.write_text(f"{head}{START}\n{fresh}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
