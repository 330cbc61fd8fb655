"""The one file reader: JSON and YAML specs, scenario files and profiles all come through here.

Every way a file can be wrong (too big, not UTF-8, bad syntax, a key written twice, YAML
aliases that expand without end) becomes one `ConfigError` line naming the file and the
place, so nothing downstream ever sees half a document.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError, yaml_place

MAX_BYTES = 10 * 1024 * 1024
MAX_NODES = 1_000_000  # values a document may hold once its YAML aliases are expanded
# Lists and mappings a document may nest: the shipped specs reach 17; libyaml's composer
# recurses in C (a segfault at ~100,000) and the spec code (copy.deepcopy) in Python, so a
# deeper file is refused, before anything recurses, as one line naming where it went too deep.
MAX_DEPTH = 100
LINE = "__line__"  # with `lines=True`, each mapping's line in the file, for error messages

# libyaml's parser where PyYAML was built with it (PyPI's wheels are): start-up is mostly
# reading YAML, and the C parser does it about ten times faster. Same errors, same marks.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int) -> None:
        super().__init__(key)
        self.key = key
        self.line = line


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader that refuses a key written twice and keeps dates as plain strings, like JSON.

    With `marks` set, every mapping also records the line it starts on.
    """

    marks = False

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *anchor` merges, and may repeat
                continue
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) or key is None:
                if key in seen:
                    raise _DuplicateKey(key, key_node.start_mark.line + 1)
                seen.add(key)
        mapping = super().construct_mapping(node, deep=deep)
        if self.marks:
            mapping[LINE] = node.start_mark.line + 1
        return mapping


class _MarkingLoader(_Loader):
    marks = True


for _cls in (_Loader, _MarkingLoader):
    _cls.yaml_implicit_resolvers = {
        key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def read_document(path: Path, label: str | None = None, *, lines: bool = False) -> Any:
    """Parse a JSON or YAML file, turning every failure into one ConfigError line."""
    label = label or str(path)
    text = _read_text(path, label)
    if path.suffix == ".json":
        _bound_json_depth(text, label)
        return _parse_json(text, label)
    return parse_yaml(text, label, lines=lines)


def parse_yaml(text: str, label: str, *, lines: bool = False) -> Any:
    """YAML text as data; the admin API reads scenario bodies through this too."""
    try:
        _bound_yaml_depth(text, label)
        data = yaml.load(text, Loader=_MarkingLoader if lines else _Loader)  # noqa: S506 - SafeLoader
    except _DuplicateKey as exc:
        raise ConfigError(
            label, f"line {exc.line}", f"key '{exc.key}' is written twice", "keep one of the two"
        ) from None
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(
            label, yaml_place(exc), f"invalid YAML ({problem})", "fix the YAML syntax there"
        ) from None
    except RecursionError:
        raise ConfigError(label, "", "YAML nested too deeply", "flatten the document") from None
    if "*" in text:  # aliases share nodes; expanded (copied, dumped, walked) they may explode
        _bound_expansion(data, label)
    return data


def _too_deep(label: str, line: int) -> ConfigError:
    return ConfigError(
        label,
        f"line {line}",
        f"lists and mappings nested deeper than {MAX_DEPTH} levels",
        "flatten the document",
    )


def _bound_yaml_depth(text: str, label: str) -> None:
    """Measure nesting on libyaml's event stream, which is read without recursion, before composing."""
    depth = 0
    for event in yaml.parse(text, Loader=_Base):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(label, event.start_mark.line + 1)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


# a string ends at its quote, or (unterminated: json.loads will say where) at the line's end,
# so each '"' is read once and the scan stays linear in the file's size
_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*(?:"|\n|$)|[\[{\]}]')


def _bound_json_depth(text: str, label: str) -> None:
    """Count brackets outside strings: `json.loads` would parse ~1,000 levels, then the rest recurse."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        bracket = match.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(label, text.count("\n", 0, match.start()) + 1)
        elif bracket in "]}":
            depth -= 1


def _read_text(path: Path, label: str) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ConfigError(
                label, "", f"file is {size // 1024 // 1024} MB, over the 10 MB limit", "split it or remove it"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(label, "", f"cannot read the file ({exc.strerror})", "check the path") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(label, f"byte {exc.start}", "file is not UTF-8 text", "save it as UTF-8") from None


def _parse_json(text: str, label: str) -> Any:
    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise _DuplicateKey(key, _second_line(text, key))
            out[key] = value
        return out

    try:
        return json.loads(text, object_pairs_hook=unique)
    except _DuplicateKey as exc:
        raise ConfigError(
            label, f"line {exc.line}", f"key '{exc.key}' is written twice", "keep one of the two"
        ) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(
            label, yaml_place(exc), f"invalid JSON ({exc.msg})", "fix the JSON syntax there"
        ) from None
    except RecursionError:
        raise ConfigError(label, "", "JSON nested too deeply", "flatten the document") from None


def _second_line(text: str, key: str) -> int:
    """The line of the second `"key":` in the text: where a JSON key was written again."""
    found = [m.start() for m in re.finditer(re.escape(json.dumps(key)) + r"\s*:", text)]
    at = found[1] if len(found) > 1 else (found[0] if found else 0)
    return text.count("\n", 0, at) + 1


def _bound_expansion(data: Any, label: str) -> None:
    """Refuse a document whose aliases expand past MAX_NODES values (a 'billion laughs'), or nest
    deeper than MAX_DEPTH once expanded: a chain of anchors, each holding the one before, passes the
    event count of `_bound_yaml_depth` and would recurse in whatever walks the data next."""
    count = 0
    stack = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ConfigError(
                label,
                "",
                f"YAML aliases expand to more than {MAX_NODES:,} values",
                "write the repeated parts out, or use fewer aliases of aliases",
            )
        if isinstance(node, (dict, list)):
            if depth >= MAX_DEPTH:
                raise ConfigError(
                    label,
                    "",
                    f"YAML aliases expand to lists and mappings nested deeper than {MAX_DEPTH} levels",
                    "write the repeated parts out, or use fewer aliases of aliases",
                )
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
