"""Values the fake can send: JSON text in UTF-8, nothing else.

Python's `json` reads `"\\ud800"` (a lone surrogate) and `NaN`/`Infinity`/`1e400` without
complaint, and YAML reads `"\\ud800"`, `.nan` and `.inf`; but a lone surrogate has no UTF-8
encoding (a 500 when the value is echoed, stored or sent in a webhook) and a non-finite
number has no JSON spelling (`{"a":NaN}` is not JSON). Such values are refused where they
come in (`unsendable`) and, should one slip through, made sendable on the way out (`sendable`).
"""

from __future__ import annotations

import math
import re
from typing import Any

SURROGATE = re.compile("[\ud800-\udfff]")


def bad_text(text: str) -> str | None:
    """What stops this text from being UTF-8 (its first lone surrogate), or None."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"lone surrogate {text[exc.start]!r}"
    return None


def bad_number(value: Any) -> str | None:
    """What stops this number from being JSON (NaN or infinite), or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"non-finite number {value!r}"
    return None


def unsendable(value: Any) -> tuple[str, tuple[Any, ...]] | None:
    """The first lone surrogate or non-finite number in a value (keys too), and the path to it.

    Walked without recursion: the value may be as deep as a client's body may nest.
    """
    stack: list[tuple[Any, tuple[Any, ...]]] = [(value, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            for key, child in node.items():
                if isinstance(key, str) and (problem := bad_text(key)):
                    return f"{problem} in a key", path
                stack.append((child, (*path, key)))
        elif isinstance(node, list):
            stack.extend((child, (*path, i)) for i, child in enumerate(node))
        elif problem := bad_text(node) if isinstance(node, str) else bad_number(node):
            return problem, path
    return None


def sendable(value: Any) -> Any:
    """The value with each lone surrogate made U+FFFD and each non-finite number null."""
    if isinstance(value, dict):
        return {sendable(k): sendable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [sendable(v) for v in value]
    if isinstance(value, str):
        return SURROGATE.sub("\ufffd", value) if bad_text(value) else value
    return None if bad_number(value) else value
