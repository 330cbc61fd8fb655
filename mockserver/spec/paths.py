"""Dotted paths into JSON bodies (`data.status`): the one way profiles name a field.

Profiles say where a body keeps its id, status, timestamps and media links as dotted
paths; every reader and writer of such a field goes through these four functions.
"""

from __future__ import annotations

from typing import Any


def lookup(body: Any, dotted: str) -> Any:
    """The value at the path, or None when any step of it is missing."""
    node = body
    for name in dotted.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(name)
    return node


def present(body: Any, dotted: str) -> bool:
    """The field exists and holds a value (a null `updated_at` stays null: not updated yet)."""
    return lookup(body, dotted) is not None


def assign(body: Any, dotted: str, value: Any) -> bool:
    """Set a field in place, inside parents that exist; False when a parent is missing."""
    *parents, last = dotted.split(".")
    node = body
    for name in parents:
        if not isinstance(node, dict) or not isinstance(node.get(name), dict):
            return False
        node = node[name]
    if not isinstance(node, dict):
        return False
    node[last] = value
    return True


def replaced(body: Any, dotted: str, value: Any) -> Any:
    """A copy of body with an existing field set, copying only the dicts on the way to it.

    The body itself when the field is absent, so shared example bodies are never touched.
    """
    name, _, rest = dotted.partition(".")
    if not isinstance(body, dict) or name not in body:
        return body
    if rest:
        inner = replaced(body[name], rest, value)
        if inner is body[name]:
            return body
        value = inner
    out = dict(body)
    out[name] = value
    return out


def values_at(body: Any, dotted: str) -> list[Any]:
    """Every value at the path, where a list on the way matches each of its elements
    (`video_inputs.character.avatar_id` reads the avatar of every video input)."""
    nodes = [body]
    for name in dotted.split("."):
        found: list[Any] = []
        for node in nodes:
            for one in node if isinstance(node, list) else [node]:
                if isinstance(one, dict) and name in one:
                    found.append(one[name])
        nodes = found
    return [v for node in nodes for v in (node if isinstance(node, list) else [node])]
