"""The catalog: everything the fake knows after reading a specs folder.

Loading happens once, fully, before anything is served: operations, their example bodies,
the lint findings, and the effective spec. If any part fails, nothing is served.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from .account import Ref
from .bodies import Example, status_of
from .errors import ConfigError, pointer
from .lint import Finding, Linter
from .openapi import Operation, SpecFile, load_specs
from .pointers import RefResolver
from .profile import Profiles
from .repair import effective_document
from .resources import check_resource
from .schema_view import normalize_31
from .strict import strict_document
from .version import VERSION


def _kind(op: Operation) -> str | None:
    return op.resource.kind if op.resource is not None else None


class Catalog:
    """Operations by name, their bodies, the findings, and the two combined specs: the effective
    (tolerant) one and the strict one (`strict.py`)."""

    def __init__(self, specs_dir: str | Path, profiles: Profiles | None = None) -> None:
        self.specs_dir = Path(specs_dir)
        self.profiles = profiles or Profiles()
        specs, operations = load_specs(self.specs_dir, self.profiles)
        self.specs: list[SpecFile] = specs
        self.operations: dict[str, Operation] = {op.name: op for op in operations}
        self._check_creates()
        linter = Linter()
        self.findings: list[Finding] = linter.run(operations)
        self.examples: dict[str, dict[str, Example]] = {
            name: {ex.name: ex for ex in exs} for name, exs in linter.examples.items()
        }
        self.envelopes: dict[str, Any] = {  # each resource's answer envelope: its chosen 200 example
            name: check_resource(op.resource, self.examples[name])
            for name, op in self.operations.items()
            if op.resource is not None
        }
        self.effective: dict[str, Any] = self._combine()  # tolerant: all the vendor is known to send
        self.strict: dict[str, Any] = strict_document(self.effective, operations, self.examples)

    def _check_creates(self) -> None:
        """A create call's jobs are polled through its status operation, which must be loaded too."""
        for op in self.operations.values():
            call = op.profile.creates.get(op.name)
            if call is not None and call.status not in self.operations:
                raise ConfigError(
                    op.spec.label,
                    op.pointer,
                    f"{op.name} starts jobs polled by {call.status}, which no spec in {self.specs_dir} defines",
                    f"add the {op.vendor} spec that has {call.status}, or remove this file",
                )
            for ref in call.refs if call is not None else []:
                self._check_ref(op, ref)

    def _check_ref(self, op: Operation, ref: Ref) -> None:
        """A create call's ref names an error of its profile and a loaded catalog operation."""
        label = op.profile.label
        place = pointer("creates", op.name, "refs", ref.path)
        if ref.error not in op.profile.errors:
            raise ConfigError(
                label,
                place,
                f"ref '{ref.path}' answers error '{ref.error}', which the profile does not define",
                f"add it under 'errors:', or use one of {', '.join(op.profile.errors)}",
            )
        target = self.operations.get(ref.catalog)
        if target is None or _kind(target) != "catalog":
            catalogs = [o.name for o in self.operations.values() if _kind(o) == "catalog"]
            raise ConfigError(
                label,
                place,
                f"ref '{ref.path}' names {ref.catalog}, which is not a loaded operation of kind catalog",
                f"load the spec that has it, or use one of: {', '.join(catalogs) or 'none loaded'}",
            )

    # --- lookups ---------------------------------------------------------------------------
    def find(self, ref: str) -> Operation | None:
        """An operation by its name, its vendor operationId, or `METHOD /path`."""
        if ref in self.operations:
            return self.operations[ref]
        for op in self.operations.values():
            if ref in op.aliases:
                return op
        return None

    def by_class(self, op: Operation, cls: str) -> list[Example]:
        """The 200 examples whose status is of a lifecycle class, in lifecycle order.

        A GET by id whose examples carry no status word (a lookup such as avatar details, not a
        job) has no lifecycle: its first example is both its progress and its success, so the
        `*` scenarios (not-found, stuck, rate-limited-twice) still drive it.
        """
        ok = [ex for ex in self.examples[op.name].values() if ex.status_code == 200]
        classes = [op.profile.status_class(status_of(ex.body, op.profile)) for ex in ok]
        if cls in ("progress", "success") and not any(classes):
            return ok[:1]
        found = [ex for ex, found_cls in zip(ok, classes, strict=True) if found_cls == cls]
        return sorted(found, key=lambda ex: op.profile.progress_rank(status_of(ex.body, op.profile)))

    def response_schema(self, op: Operation, status: int) -> dict[str, Any] | None:
        responses = self.effective["paths"][op.route][op.method]["responses"]
        response = responses.get(str(status)) or responses.get("default") or {}
        return ((response.get("content") or {}).get("application/json") or {}).get("schema")

    def request_schema(self, op: Operation) -> dict[str, Any] | None:
        """The effective JSON request body schema: what the vendor accepts (optional fields may be null)."""
        body = self.effective["paths"][op.route][op.method].get("requestBody") or {}
        return ((body.get("content") or {}).get("application/json") or {}).get("schema")

    # --- the effective spec ----------------------------------------------------------------
    def _combine(self) -> dict[str, Any]:
        paths: dict[str, Any] = {}
        schemes: dict[str, Any] = {}
        for spec in self.specs:
            doc = effective_document(spec, self.findings, self.operations.values())
            resolver = RefResolver(doc, spec.label)
            renames: dict[str, str] = {}
            for name, scheme in ((doc.get("components") or {}).get("securitySchemes") or {}).items():
                new = name
                if new in schemes and schemes[new] != scheme:
                    new = f"{spec.profile.vendor}_{name}"
                schemes[new] = scheme
                renames[name] = new
            for op in self.operations.values():
                if op.spec is not spec:
                    continue
                op_doc = resolver.inline(op.pointer)
                path_item = resolver.inline(op.pointer.rsplit("/", 1)[0])
                merged = {p["name"] + p["in"]: p for p in path_item.get("parameters") or []}
                merged.update({p["name"] + p["in"]: p for p in op_doc.get("parameters") or []})
                if merged:
                    op_doc["parameters"] = list(merged.values())
                security = op_doc.get("security", doc.get("security")) or []
                op_doc["security"] = [{renames.get(k, k): v for k, v in req.items()} for req in security]
                if op.operation_id and op.operation_id != op.name:
                    op_doc["x-vendor-operation-id"] = op.operation_id
                op_doc["operationId"] = op.name
                op_doc["x-mock-source"] = {
                    "spec": spec.label,
                    "pointer": op.pointer,
                    "vendor": op.vendor,
                    "path": op.path,
                }
                paths.setdefault(op.route, {})[op.method] = op_doc
        return {
            "openapi": "3.1.0",
            "info": {
                "title": "mockserver effective spec",
                "version": VERSION,
                "description": "The vendor specs as published, with every contradiction repaired "
                "(see `mockserver lint`). Generated; do not edit.",
            },
            "paths": paths,
            "components": {"securitySchemes": schemes},
        }

    def document(self, which: str, strict: bool = False) -> dict[str, Any]:
        """The effective (tolerant) spec, the strict one, or the published one, by name (`spec`, `check`)."""
        if strict and which == "published":
            raise ConfigError(
                "--strict", "", "the strict spec is built from the effective one", "drop --published"
            )
        if strict:
            return self.strict
        return self.effective if which == "effective" else self.published()

    def published(self) -> dict[str, Any]:
        """The vendor specs combined without repairs (3.0 `nullable` read as 3.1), for comparison."""
        combined = copy.deepcopy(self.effective)
        for spec in self.specs:
            resolver = RefResolver(normalize_31(copy.deepcopy(spec.doc)), spec.label)
            for op in self.operations.values():
                if op.spec is spec:
                    target = combined["paths"][op.route][op.method]
                    target["responses"] = resolver.inline(op.pointer + "/responses")
        return combined
