"""Reading a client's JSON body: the one way for vendor routes and the admin API alike.

`json.loads` recurses once per nesting level: a body nested 100,000 deep raises
RecursionError (a 500 and a traceback where a 400 belongs), and one nested 900 deep parses
but then recurses through validation, rendering and the journal. No vendor body is nested
anywhere near MAX_DEPTH, so a deeper one is refused like any other body that is not JSON.

So are the values `json.loads` accepts but the fake could never send back (see `sendable`):
`NaN`, `Infinity`, a number too large for a float (`1e400`), and a lone surrogate (`"\\ud800"`).
"""

from __future__ import annotations

import json
import math
from typing import Any

from ..spec.errors import pointer
from ..spec.reader import MAX_DEPTH  # one nesting bound for files and bodies
from .sendable import unsendable


class BadJson(ValueError):
    """The body is not JSON, or is nested too deep; the message says which, for one clear line."""


def load_json(raw: bytes | str) -> Any:
    """The parsed body, or BadJson."""
    try:
        value = json.loads(raw, parse_constant=_constant, parse_float=_float)
    except RecursionError:
        raise BadJson(f"nested deeper than {MAX_DEPTH} levels") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadJson(str(exc)) from None
    # fewer brackets than MAX_DEPTH cannot nest that deep: most bodies skip the walk
    opened = raw.count(b"[") + raw.count(b"{") if isinstance(raw, bytes) else raw.count("[") + raw.count("{")
    if opened > MAX_DEPTH and too_deep(value):
        raise BadJson(f"nested deeper than {MAX_DEPTH} levels")
    if _escapes(raw) and (found := unsendable(value)):
        problem, path = found
        where = pointer(*path) or "/"
        raise BadJson(
            f"{problem} at {where}: send text as valid Unicode (a \\uD83D\\uDE00 pair, not half of one)"
        )
    return value


def _constant(word: str) -> float:
    raise ValueError(f"{word} is not a JSON number: send finite numbers")


def _float(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"number {text[:40]} is too large: send finite numbers, at most about 1.8e308")
    return number


def _escapes(raw: bytes | str) -> bool:
    """Whether the text may hold a lone surrogate: as a `\\u` escape, or raw (json reads bytes
    with 'surrogatepass'); most bodies hold neither and skip the walk."""
    if isinstance(raw, str):
        return "\\u" in raw or not raw.isascii()
    return b"\\u" in raw or not raw.isascii()


def too_deep(value: Any) -> bool:
    """Whether the value nests lists and objects deeper than MAX_DEPTH (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if depth >= MAX_DEPTH:
                    return True
                stack.append((child, depth + 1))
    return False
