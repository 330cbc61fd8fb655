"""The one placeholder language of profile templates: `{name}` and `{dotted.path}`.

A string that is exactly one placeholder takes the value itself, whatever its type (a list
of URLs, a number, null); a placeholder inside longer text is replaced by the value's text.
Webhook payloads, endpoint records and error messages are all filled this way.
"""

from __future__ import annotations

import re
from typing import Any

from .paths import lookup

_HOLE = re.compile(r"\{([A-Za-z_][\w.]*)\}")


def fill(template: Any, values: dict[str, Any]) -> Any:
    """A copy of the template with every placeholder replaced (an unknown one by null or '')."""
    if isinstance(template, dict):
        return {k: fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, values) for v in template]
    if not isinstance(template, str) or "{" not in template:
        return template
    whole = _HOLE.fullmatch(template)
    if whole:
        return lookup(values, whole.group(1))
    return _HOLE.sub(lambda m: _text(lookup(values, m.group(1))), template)


def has_holes(template: Any) -> bool:
    """Whether any string in the template is filled per use (`{detail}`, `{credit}`)."""
    if isinstance(template, dict):
        return any(has_holes(v) for v in template.values())
    if isinstance(template, list):
        return any(has_holes(v) for v in template)
    return isinstance(template, str) and _HOLE.search(template) is not None


def _text(value: Any) -> str:
    return "" if value is None else str(value)
