"""The class of shape errors: any node of a spec replaced by a value of the wrong kind.

Rather than a list of known crashes, every node of a small but complete spec (path item,
operation, parameters, request body, responses, examples, components, security) is
replaced in turn by a number, text, null, a list, a mapping and `true`. Each document must
load (and be servable) or be refused with one ConfigError line: never another exception.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mockserver import create_app
from mockserver.spec.catalog import Catalog
from mockserver.spec.errors import ConfigError

from ..test_bad_files import broken

WRONG = (5, "x", None, [], {}, True)


def places(node: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from places(child, (*at, key))


def replaced(doc: dict[str, Any], at: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    node = out
    for key in at[:-1]:
        node = node[key]
    node[at[-1]] = value
    return out


def test_every_node_of_the_wrong_kind_loads_or_is_one_line(tmp_path: Path) -> None:
    doc = broken("paths/~v1~thing~{id}/get/operationId", "thing")
    crashes = []
    for n, at in enumerate(list(places(doc))[1:]):
        for value in WRONG:
            folder = tmp_path / f"{n}-{WRONG.index(value)}"
            folder.mkdir()
            (folder / "a.json").write_text(json.dumps(replaced(doc, at, value)))
            try:
                catalog = Catalog(folder)
                create_app(folder, None, catalog=catalog)
                json.dumps(catalog.effective)
                catalog.published()
            except ConfigError as exc:
                assert "\n" not in exc.line()
            except Exception as exc:  # noqa: BLE001 - any other exception is the defect
                crashes.append(f"{'/'.join(map(str, at))} = {value!r}: {type(exc).__name__}: {exc}")
    assert crashes == []
