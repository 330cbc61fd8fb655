"""A generated section of the README, between its two markers: read it, or rewrite it from fresh text.

The lint table and the endpoint table are both generated (`tools/lint_table.py`, `tools/routes_table.py`)
so they cannot drift; each names its markers and leaves the rest of the README as it is.
"""

from __future__ import annotations

import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


class Section:
    """The text between `<!-- NAME:start -->` and `<!-- NAME:end -->` in README.md."""

    def __init__(self, name: str) -> None:
        self.start, self.end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"

    def read(self, text: str) -> str:
        if self.start not in text or self.end not in text:
            raise SystemExit(f"README.md has no {self.start} ... {self.end} markers")
        return text.split(self.start, 1)[1].split(self.end, 1)[0].strip()

    def write(self, fresh: str) -> None:
        text = README.read_text(encoding="utf-8")
        self.read(text)  # the markers are there
        head, rest = text.split(self.start, 1)
        tail = rest.split(self.end, 1)[1]
        README.write_text(f"{head}{self.start}\n{fresh}\n{self.end}{tail}", encoding="utf-8")

    def main(self, fresh: str) -> None:
        """Print the fresh section, or with `--write` put it in the README."""
        if "--write" in sys.argv[1:]:
            self.write(fresh)
        else:
            print(fresh)
