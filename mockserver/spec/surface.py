"""What each served operation is, in a word, and where its facts come from: the endpoint table.

`GET /__mock/routes` lists these and the README's endpoint table is generated from it, so the
table cannot drift from what the fake serves. The state kind says what a call reads or writes:
an account's credit, a vendor catalog, the caller's own collection, a job (its create call and
its status), the webhook registry, or a lookup answered from its documented examples.
"""

from __future__ import annotations

import re
from pathlib import Path

from .openapi import Operation

RECORD_KINDS = {"list", "add", "update", "trash", "restore", "delete"}
_SOURCE = re.compile(r"Sources?:\s*(.+?)(?:\s\(|;|\.\s|\.$|\n|$)")
_SITE = re.compile(r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[^\s),;]*)?")


def state_kind(op: Operation) -> str:
    """account, catalog, collection, job (create or status), webhooks, or lookup."""
    profile = op.profile
    if op.resource is not None:
        return "collection" if op.resource.kind in RECORD_KINDS else op.resource.kind
    if op.name in profile.creates:
        return "job: create"
    if any(call.status == op.name for call in profile.creates.values()):
        return "job: status"
    if profile.webhooks is not None and profile.webhooks.role(op.name) is not None:
        return "webhooks"
    return "lookup"


def source_of(op: Operation, specs_dir: Path) -> str:
    """The page an operation was written from: its description's `Source:`, the site an INFERRED
    one names, or, for a vendor file kept as published, the file itself."""
    text = str(op.raw.get("description") or "")
    found = _SOURCE.search(text)
    if found:
        return found.group(1).strip().rstrip(".")
    if "INFERRED" in text:
        site = _SITE.search(text)
        return f"INFERRED ({site.group(0)})" if site else "INFERRED"
    try:
        where = op.spec.path.relative_to(specs_dir)
    except ValueError:
        where = Path(op.spec.path.name)
    return f"vendor page, specs/{where.as_posix()}"
