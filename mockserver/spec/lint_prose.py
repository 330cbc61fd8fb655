"""Prose that contradicts the document it sits in: rules over any spec's descriptions.

The vendor's words are documentation only (the fake never serves them), so most of these
findings need no repair: the message says why. A broken link is the exception; its repair
is the link with the doubled word taken out.

Messages keep three voices apart, each a segment of its own: `documented:` (the vendor's
document), `known (profile ..., source):` (what the vendor is known to do) and `inferred:` or
`mockserver:` (what the fake decides).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from .findings import Findings
from .openapi import Operation, SpecFile
from .pointers import join

STATUS_PROMISE = re.compile(r"[^.\n]*\b(?:standard )?HTTP (?:status|error) codes?\b[^.\n]*", re.I)
URL = re.compile(r"https?://[^\s<>\"')]+")
DOUBLED = re.compile(r"^([a-z_-]{4,})\1$", re.I)
NAMED_ID = re.compile(r"\b([A-Za-z]+)[ _](?:ID|Id|id)\b")
# words before "ID" that name no resource ("an unknown ID", "the parent ID", "the folder's ID")
ID_WORDS = {
    "unique",
    "the",
    "an",
    "a",
    "its",
    "by",
    "of",
    "resource",
    "unknown",
    "no",
    "parent",
    "new",
    "same",
}
ID_WORDS |= {"your", "their", "this", "that", "given", "valid", "invalid", "any", "each", "every", "own"}


def known_from(profile: Any) -> str:
    """The label of a segment that states what the vendor is known to do."""
    return f"known (profile {profile.vendor}{', ' + profile.source if profile.source else ''})"


def documented_in(spec: SpecFile) -> str:
    """The label of a segment that states what a spec file says: a vendor's, or our supplement."""
    ours = "supplement" in spec.path.parts
    return "documented (mockserver's supplement, from the vendor's reference)" if ours else "documented"


def descriptions(node: Any, ptr: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """Every `description` string under a node, with its pointer (examples are bodies, not prose)."""
    if depth > 64:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            at = join(ptr, key)
            if key == "description" and isinstance(value, str):
                yield at, value
            elif key not in ("example", "examples"):
                yield from descriptions(value, at, depth + 1)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from descriptions(value, join(ptr, i), depth + 1)


class ProseCheck:
    """The prose rules, run once over all specs and operations."""

    def __init__(self, findings: Findings) -> None:
        self.findings = findings

    def run(self, specs: list[SpecFile], operations: list[Operation]) -> None:
        for spec in specs:
            ops = [op for op in operations if op.spec is spec]
            self._status_promise(spec, ops)
            self._base_url(spec, ops)
            self._broken_links(spec)
            self._copied_descriptions(spec)
        for op in operations:
            self._missing_prose(op)
            self._named_id(op)

    def _status_promise(self, spec: SpecFile, ops: list[Operation]) -> None:
        """Prose promising HTTP status codes where every operation documents only 2xx."""
        codes = sorted({str(c) for op in ops for c in op.raw.get("responses") or {}})
        if not ops or any(not c.startswith("2") for c in codes):
            return
        for ptr, text in self._spec_prose(spec, ops):
            m = STATUS_PROMISE.search(text)
            if not m:
                continue
            said = " ".join(m.group(0).split())
            errs = spec.profile.errors.values()
            known = sorted({e.status for e in errs if not e.inferred})
            how = (
                "errors come as HTTP 200 with the error code in the body"
                if known == [200]
                else "errors come as HTTP " + ", ".join(map(str, known))
            )
            self.findings.note(
                spec,
                ptr,
                "prose-vs-responses",
                f"{documented_in(spec)}: the prose says '{said}', but every operation documents only HTTP "
                f"{', '.join(codes)}; {known_from(spec.profile)}: {how}",
                "none in the spec: the fake answers as the profile says; real HTTP error statuses "
                "only with --http-errors, which is mockserver's own mapping",
            )

    def _spec_prose(self, spec: SpecFile, ops: list[Operation]) -> Iterator[tuple[str, str]]:
        info = spec.doc.get("info")
        if isinstance(info, dict) and isinstance(info.get("description"), str):
            yield "/info/description", info["description"]
        for op in ops:
            if isinstance(op.raw.get("description"), str):
                yield join(op.pointer, "description"), op.raw["description"]

    def _base_url(self, spec: SpecFile, ops: list[Operation]) -> None:
        """A URL on a server's host that is neither a server URL nor an operation's URL."""
        listed = spec.doc.get("servers")
        servers = (
            [str(s.get("url", "")).rstrip("/") for s in listed if isinstance(s, dict)]
            if isinstance(listed, list)
            else []
        )
        hosts = {urlsplit(s).netloc for s in servers}
        full = {s + op.path for s in servers for op in ops}
        for ptr, text in self._spec_prose(spec, ops):
            for url in URL.findall(text):
                url = url.rstrip("/.,")
                if urlsplit(url).netloc not in hosts or url in servers or url in full:
                    continue
                prefix = urlsplit(url).path
                doubled = [
                    s + prefix + op.path for s in servers for op in ops if op.path.startswith(prefix + "/")
                ]
                clash = f": a client joining them calls {doubled[0]}" if doubled else ""
                paths = ", ".join(sorted({op.path for op in ops}))
                self.findings.note(
                    spec,
                    ptr,
                    "prose-vs-servers",
                    f"{documented_in(spec)}: the prose gives the base URL {url}, but servers say "
                    f"{', '.join(servers)} and the paths are {paths}{clash}",
                    "none in the spec: mockserver serves servers + paths, as the spec's paths say",
                    key=url,
                )

    def _broken_links(self, spec: SpecFile) -> None:
        """A link whose path repeats a word (`/referencereference/`): a typo that 404s."""
        for ptr, text in descriptions(spec.doc):
            fixed = text
            for url in set(URL.findall(text)):
                parts = urlsplit(url).path.split("/")
                good = [m.group(1) if (m := DOUBLED.match(p)) else p for p in parts]
                if good != parts:
                    fixed = fixed.replace(url, url.replace("/".join(parts), "/".join(good), 1))
            if fixed != text:
                self.findings.note(
                    spec,
                    ptr,
                    "broken-link",
                    f"{documented_in(spec)}: a link repeats a path word ({_first_doubled(text)})",
                    "the link with the word once, in the effective spec's description",
                    ("set", ptr, fixed),
                )

    def _copied_descriptions(self, spec: SpecFile) -> None:
        """Sibling properties with one description: the later one's text was likely copied."""
        for ptr, node in _schemas_with_properties(spec.doc):
            first: dict[str, str] = {}
            for name, prop in node["properties"].items():
                said = prop.get("description") if isinstance(prop, dict) else None
                if not isinstance(said, str) or not said.strip():
                    continue
                if said.strip() in first:
                    self.findings.note(
                        spec,
                        join(ptr, "properties", name, "description"),
                        "copied-description",
                        f"{documented_in(spec)}: '{name}' has the description of its sibling "
                        f"'{first[said.strip()]}' ('{said.strip()}')",
                        "none: descriptions are not served; the effective spec keeps the vendor's text",
                    )
                else:
                    first[said.strip()] = name

    def _missing_prose(self, op: Operation) -> None:
        raw, spec = op.raw, op.spec
        if not str(raw.get("summary") or "").strip():
            self.findings.note(
                spec,
                op.pointer,
                "missing-summary",
                f"{documented_in(spec)}: {op.method.upper()} {op.path} has no summary",
                f"none: a summary is documentation only; mockserver names the operation '{op.name}'",
            )
        for ptr, text in descriptions(raw, op.pointer):
            if not text.strip():
                self.findings.note(
                    spec,
                    ptr,
                    "empty-description",
                    f"{documented_in(spec)}: the description at {ptr} is empty",
                    "none: a description is documentation only",
                )

    def _named_id(self, op: Operation) -> None:
        """Prose naming the id as another resource's ('project ID' for a video id)."""
        param = op.id_parameter
        if param is None:
            return
        raw = op.raw
        param_text = _param_description(op, param.pointer)
        own = {w.lower() for w in re.split(r"[^A-Za-z]+", f"{param.name} {op.path}") if w}
        own |= {m.lower() for m in NAMED_ID.findall(param_text)}
        for key in ("summary", "description"):
            text = raw.get(key)
            if not isinstance(text, str):
                continue
            others = {n for n in NAMED_ID.findall(text) if len(n) > 2 and n.lower() not in own | ID_WORDS}
            if len({n.lower() for n in others}) != 1:
                continue  # none, or ids of several resources: prose about a body, not this parameter
            for noun in others:
                self.findings.note(
                    op.spec,
                    join(op.pointer, key),
                    "prose-wrong-id",
                    f"{documented_in(op.spec)}: the {key} names a '{noun} ID', but the {param.location} parameter "
                    f"'{param.name}' is {_what(param_text, param.name)}",
                    "none: prose only; the parameter's own name and description stand",
                    key=noun.lower(),
                )


def _param_description(op: Operation, ptr: str) -> str:
    node = op.spec.resolver.follow(ptr)[1]
    return str(node.get("description") or "") if isinstance(node, dict) else ""


def _what(param_text: str, name: str) -> str:
    said = NAMED_ID.search(param_text)
    return f"a {said.group(1)} ID ('{param_text.strip()}')" if said else f"'{name}'"


def _first_doubled(text: str) -> str:
    for url in URL.findall(text):
        for part in urlsplit(url).path.split("/"):
            if DOUBLED.match(part):
                return f"'{part}' in {url}"
    return ""


def _schemas_with_properties(
    node: Any, ptr: str = "", depth: int = 0
) -> Iterator[tuple[str, dict[str, Any]]]:
    if depth > 64:
        return
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict):
            yield ptr, node
        for key, value in node.items():
            if key not in ("example", "examples"):
                yield from _schemas_with_properties(value, join(ptr, key), depth + 1)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _schemas_with_properties(value, join(ptr, i), depth + 1)
