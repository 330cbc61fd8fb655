"""User-facing configuration errors.

Every mistake a user can make in a spec, scenario or command line is raised as a
`ConfigError`, so the CLI can print exactly one line and exit 2 instead of a traceback.
"""

from __future__ import annotations

# Control characters shown escaped (`\n`, `\x00`), so a value quoted in a message keeps it one line.
_ONE_LINE = {c: repr(chr(c))[1:-1] for c in (*range(0x20), 0x7F)}


class ConfigError(Exception):
    """A mistake in user input: where it is, what is wrong, and how to fix it."""

    def __init__(self, source: str, place: str, problem: str, fix: str) -> None:
        self.source = source
        self.place = place
        self.problem = problem
        self.fix = fix
        super().__init__(self.line())

    def line(self) -> str:
        where = f"{self.source}:{self.place}" if self.place else self.source
        return f"{where}: {self.problem}. Fix: {self.fix}".translate(_ONE_LINE)


def pointer(*parts: object) -> str:
    """Build an RFC 6901 JSON Pointer from raw path parts."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "".join("/" + p for p in escaped)


def yaml_place(exc: Exception) -> str:
    """The `line N column M` of a PyYAML or json error, if it has one."""
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:
        return f"line {mark.line + 1} column {mark.column + 1}"
    lineno = getattr(exc, "lineno", None)
    if lineno is not None:
        return f"line {lineno} column {getattr(exc, 'colno', 0)}"
    return ""
