"""What the vendor answers on errors, said honestly: documented, known, or inferred by the fake.

`undocumented-error` adds the profile's error statuses the spec omits. Its message keeps the
voices apart: the statuses the spec documents, those the profile holds as known (with the
profile's source), and those the profile marks inferred or that only `--http-errors` serves
(mockserver's own mapping, not the vendor's). `empty_id_answer` says what an empty id really
gets over HTTP, for `empty-required-id`'s repair.
"""

from __future__ import annotations

import copy
from typing import Any

from .findings import Finding, Findings
from .lint_prose import documented_in, known_from
from .openapi import Operation, Parameter
from .pointers import join


def _listed(statuses: dict[int, list[str]]) -> str:
    return ", ".join(f"{s} ({'/'.join(n)})" for s, n in sorted(statuses.items()))


def missing_statuses(op: Operation, codes: set[str]) -> dict[str, dict[int, list[str]]]:
    """The profile's error statuses the spec lacks, by voice: known, inferred, or switched
    (served only under --http-errors), each with the errors' names."""
    out: dict[str, dict[int, list[str]]] = {"known": {}, "inferred": {}, "switched": {}}
    for err in op.profile.errors.values():
        if str(err.status) not in codes:
            voice = "inferred" if err.inferred_on(op.name) else "known"  # 40104 is known for videos only
            out[voice].setdefault(err.status, []).append(err.name)
        if err.http_status and err.http_status != err.status and str(err.http_status) not in codes:
            out["switched"].setdefault(err.http_status, []).append(err.name)
    return out


def undocumented_errors(findings: Findings, op: Operation, codes: set[str], schema: dict[str, Any]) -> None:
    spec, profile = op.spec, op.profile
    by_voice = missing_statuses(op, codes)
    if not any(by_voice.values()):
        return
    documented = sorted(c for c in codes if c.isdigit())
    said = documented_in(spec)
    parts = [f"{said}: HTTP {', '.join(documented)}" if documented else f"{said}: no status"]
    errs = op.profile.errors.values()
    if by_voice["known"]:
        parts.append(f"{known_from(profile)}: HTTP {_listed(by_voice['known'])}, which the spec omits")
    elif by_voice["switched"] and {e.status for e in errs if not e.inferred} <= {int(c) for c in documented}:
        statuses = ", ".join(sorted({f"HTTP {e.status}" for e in errs if not e.inferred}))
        parts.append(f"{known_from(profile)}: errors come as {statuses} with the error code in the body")
    if by_voice["inferred"]:
        parts.append(
            f"inferred: mockserver answers HTTP {_listed(by_voice['inferred'])}, the profile marks them inferred"
        )
    if by_voice["switched"]:
        parts.append(
            f"mockserver: with --http-errors it answers HTTP {_listed(by_voice['switched'])}, its own mapping"
        )
    added = _added(op, by_voice, schema)
    ptr = join(op.pointer, "responses")
    findings.add(
        spec,
        ptr,
        "undocumented-error",
        "",
        lambda: Finding(
            spec.label,
            ptr,
            "undocumented-error",
            "; ".join(parts),
            f"added those responses with the {profile.vendor} error envelope from the vendor profile, "
            "each description saying which voice it is",
            ("merge", ptr, added),
        ),
    )


def _added(
    op: Operation, by_voice: dict[str, dict[int, list[str]]], schema: dict[str, Any]
) -> dict[str, Any]:
    said = {
        "known": f"known from the {op.profile.vendor} profile ({op.profile.source or 'no source given'})",
        "inferred": "INFERRED by mockserver (not in the vendor's reference)",
        "switched": "mockserver's own mapping, served only with --http-errors",
    }
    added: dict[str, Any] = {}
    for voice, statuses in by_voice.items():
        for status, names in sorted(statuses.items()):
            entry = added.setdefault(str(status), {"description": "", "content": _content(schema)})
            more = f"{', '.join(names)}: {said[voice]}"
            entry["description"] = f"{entry['description']}; {more}" if entry["description"] else more
    return added


def _content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": copy.deepcopy(schema)}}


def empty_id_answer(op: Operation, param: Parameter, operations: list[Operation]) -> str:
    """What an empty id gets over HTTP: a query id is refused like a missing one; a path id
    leaves a path that matches no route of this operation."""
    err = op.profile.errors["invalid_parameter"]
    if param.location != "path":
        mark = ", inferred" if err.inferred else ""
        body = " with the error code in the body" if err.status == 200 else ""
        return (
            f"mockserver: an empty {param.location} id is refused like a missing one, with the profile's "
            f"invalid_parameter error (HTTP {err.status}{body}{mark})"
        )
    empty = op.path.replace("{" + param.name + "}", "")
    method = op.method.upper()
    trimmed = empty.rstrip("/")
    there = {o.method.upper() for o in operations if o.path == trimmed}
    if empty.endswith("/") and method in there:
        return (
            f"mockserver: an empty path id leaves {method} {empty}, which is redirected (307) to {trimmed}, "
            "another operation, which answers it"
        )
    if empty.endswith("/") and there:
        return (
            f"mockserver: an empty path id leaves {method} {empty}, which is redirected (307) to {trimmed}, "
            f"another operation's path, where {method} is answered 405 with mockserver's own "
            '{"error": ...} body, not a vendor envelope'
        )
    return (
        f"mockserver: an empty path id leaves {method} {empty}, which matches no route: it is answered "
        '404 with mockserver\'s own {"error": "no route ..."} body, not a vendor envelope'
    )
