"""Loading OpenAPI files from a folder into operations.

Files are kept exactly as published. An `Operation` remembers where it came from
(file and JSON Pointer), so every later finding can point back into the vendor's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .pointers import RefResolver, join
from .profile import Profile, Profiles
from .reader import read_document
from .resources import Resource, parse_resource
from .shape import METHODS, check_shape

SPEC_SUFFIXES = (".json", ".yaml", ".yml")
READABLE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
ADMIN_PREFIX = "/__mock"
MEDIA_PREFIX = "/__media"
RESERVED_PREFIXES = (ADMIN_PREFIX, MEDIA_PREFIX)  # the fake's own routes: no vendor path may take them


@dataclass
class Parameter:
    name: str
    location: str  # path, query, header
    required: bool
    schema: dict[str, Any]
    pointer: str


@dataclass
class SpecFile:
    """One vendor document as published, with its resolver and profile."""

    label: str
    path: Path
    doc: dict[str, Any]
    version: str
    profile: Profile
    resolver: RefResolver


@dataclass
class Operation:
    """One method on one path of one spec file."""

    name: str
    method: str
    path: str
    spec: SpecFile
    pointer: str
    operation_id: str | None
    parameters: list[Parameter]
    auth_headers: list[str]
    aliases: list[str] = field(default_factory=list)
    # where the effective spec documents it: the path, or under the vendor's prefix when another vendor
    # serves the same route (`/joggai/v2/voices`), since the root is then no one vendor's
    route: str = ""
    resource: Resource | None = None  # its `x-mock-resource`: the role it plays in a collection

    @property
    def vendor(self) -> str:
        return self.spec.profile.vendor

    @property
    def profile(self) -> Profile:
        return self.spec.profile

    @property
    def id_parameter(self) -> Parameter | None:
        """The parameter that names the resource: the first path one, else a required query one."""
        for loc in ("path", "query"):
            for p in self.parameters:
                if p.location == loc and (loc == "path" or p.required):
                    return p
        return None

    @property
    def polled(self) -> bool:
        """A GET that names a resource: what scenarios walk (a DELETE by id is not polled, nor a list or
        catalog with an id in its path: it answers from its catalog or collection, not a timeline)."""
        return self.method == "get" and self.id_parameter is not None and self.resource is None

    @property
    def raw(self) -> dict[str, Any]:
        return self.spec.resolver.follow(self.pointer)[1]


def readable_name(method: str, path: str, suffixes: list[str] = ()) -> str:  # type: ignore[assignment]
    """`GET /v2/video_avatar/{avatar_id}` -> `video_avatar`; other methods get a prefix.

    `suffixes` are the vendor's own path endings to drop (HeyGen's `.get`), from its profile.
    """
    words: list[str] = []
    for segment in path.strip("/").split("/"):
        if not segment or segment.startswith("{") or re.fullmatch(r"v\d+", segment):
            continue
        for suffix in suffixes:
            segment = segment.removesuffix(suffix)
        words.append(re.sub(r"[^A-Za-z0-9]+", "_", segment).strip("_").lower())
    base = "_".join(w for w in words if w) or "root"
    return base if method == "get" else f"{method}_{base}"


def _check_openapi(doc: Any, label: str) -> str:
    if not isinstance(doc, dict):
        raise ConfigError(label, "", "not an OpenAPI document (top level is not a mapping)", "remove it")
    version = doc.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        got = f"'{version}'" if version else "no 'openapi' field"
        raise ConfigError(
            label, "/openapi", f"unsupported OpenAPI version ({got})", "use an OpenAPI 3.0 or 3.1 document"
        )
    if not isinstance(doc.get("paths"), dict) or not doc["paths"]:
        raise ConfigError(label, "/paths", "no paths", "add at least one path, or remove the file")
    return version


def _parameters(spec: SpecFile, path_ptr: str, op_ptr: str) -> list[Parameter]:
    """Path-level then operation-level parameters, the latter overriding by (name, in)."""
    found: dict[tuple[str, str], Parameter] = {}
    for owner in (path_ptr, op_ptr):
        node = spec.resolver.follow(owner)[1]
        for i, _ in enumerate(node.get("parameters") or []):
            ptr, param = spec.resolver.follow(join(owner, "parameters", i))
            if not isinstance(param, dict) or "name" not in param or "in" not in param:
                raise ConfigError(spec.label, ptr, "parameter without 'name' and 'in'", "add both")
            schema = spec.resolver.inline(join(ptr, "schema")) if "schema" in param else {}
            if isinstance(schema, bool):  # 3.1's `true` (anything) and `false` (nothing)
                schema = {} if schema else {"not": {}}
            loc = str(param["in"])
            found[(param["name"], loc)] = Parameter(
                name=str(param["name"]),
                location=loc,
                required=bool(param.get("required", loc == "path")),
                schema=schema,
                pointer=ptr,
            )
    return list(found.values())


def _auth_headers(spec: SpecFile, op: dict[str, Any]) -> list[str]:
    """Header names of apiKey security schemes the operation requires."""
    requirements = op.get("security", spec.doc.get("security")) or []
    schemes = (spec.doc.get("components") or {}).get("securitySchemes") or {}
    headers: list[str] = []
    for requirement in requirements:
        for scheme_name in requirement or {}:
            scheme = schemes.get(scheme_name) or {}
            if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                headers.append(str(scheme["name"]).lower())
    return headers


def spec_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix in SPEC_SUFFIXES and not p.name.startswith(".")
    )


def load_specs(folder: Path, profiles: Profiles | None = None) -> tuple[list[SpecFile], list[Operation]]:
    """Every spec file under folder and every operation in them, named and checked for clashes."""
    profiles = profiles or Profiles()
    specs: list[SpecFile] = []
    operations = _Operations()
    for path in _files_in(folder):
        spec = _load_spec(path, folder, profiles)
        specs.append(spec)
        for api_path in spec.doc["paths"]:
            path_ptr = join("", "paths", api_path)
            _check_path(spec.label, path_ptr, api_path)
            _, item = spec.resolver.follow(path_ptr)
            for method in METHODS:
                if method in (item or {}):
                    operations.add(spec, method, api_path, path_ptr)
    shared: dict[tuple[str, str], int] = {}
    for op in operations.all:
        key = (op.method, route_shape(op.path))
        shared[key] = shared.get(key, 0) + 1
    for op in operations.all:
        alone = shared[(op.method, route_shape(op.path))] == 1
        op.route = op.path if alone else op.profile.prefix + op.path
    return specs, operations.all


def _files_in(folder: Path) -> list[Path]:
    """The spec files, failing early on a folder with nothing to serve."""
    if not folder.is_dir():
        raise ConfigError(
            str(folder), "", "specs folder does not exist", "pass --specs DIR with OpenAPI files"
        )
    files = spec_files(folder)
    if not files:
        raise ConfigError(
            str(folder), "", "no OpenAPI files (.json, .yaml, .yml) in the specs folder", "add vendor specs"
        )
    return files


def _load_spec(path: Path, folder: Path, profiles: Profiles) -> SpecFile:
    """One file, with the profile its servers (or, failing that, its sub-folder) name."""
    label = str(path)
    doc = read_document(path, label)
    version = _check_openapi(doc, label)
    check_shape(doc, label)
    rel = path.relative_to(folder)
    folder_name = rel.parts[0] if len(rel.parts) > 1 else ""
    profile = profiles.for_spec(doc, folder_name, label)
    return SpecFile(label, path, doc, version, profile, RefResolver(doc, label))


def _check_path(label: str, path_ptr: str, api_path: Any) -> None:
    if not isinstance(api_path, str) or not api_path.startswith("/"):
        raise ConfigError(label, path_ptr, "path does not start with '/'", "write it as '/v1/...'")
    prefix = reserved_prefix(api_path)
    if prefix is not None:
        raise ConfigError(
            label,
            path_ptr,
            f"path is under {prefix}, where the fake's own routes are "
            f"(admin API {ADMIN_PREFIX}, media links {MEDIA_PREFIX})",
            "rename the path",
        )


def reserved_prefix(path: str) -> str | None:
    """The fake's own prefix a request or vendor path falls under, if any: these always win."""
    for prefix in RESERVED_PREFIXES:
        if path.startswith(prefix) and (len(path) == len(prefix) or path[len(prefix)] == "/"):
            return prefix
    return None


class _Operations:
    """Operations in load order, with the routes and names taken so far, so clashes are caught."""

    def __init__(self) -> None:
        self.all: list[Operation] = []
        self.claimed: dict[tuple[str, str, str], Operation] = {}
        self.names: dict[str, Operation] = {}

    def add(self, spec: SpecFile, method: str, api_path: str, path_ptr: str) -> None:
        op_ptr = join(path_ptr, method)
        raw = spec.resolver.follow(op_ptr)[1]
        key = (spec.profile.prefix, method, route_shape(api_path))  # vendors' paths may coincide
        if key in self.claimed:
            other = self.claimed[key]
            raise ConfigError(
                spec.label,
                op_ptr,
                f"{method.upper()} {api_path} is already defined in {other.spec.label}",
                "keep each path in one spec file; remove one of the two",
            )
        op_id = raw.get("operationId") if isinstance(raw, dict) else None
        name = self._unique_name(spec, method, api_path)
        op = Operation(
            name=name,
            method=method,
            path=api_path,
            spec=spec,
            pointer=op_ptr,
            operation_id=op_id if isinstance(op_id, str) else None,
            parameters=_parameters(spec, path_ptr, op_ptr),
            auth_headers=_auth_headers(spec, raw),
            resource=parse_resource(
                raw.get("x-mock-resource") if isinstance(raw, dict) else None,
                spec.label,
                join(op_ptr, "x-mock-resource"),
            ),
        )
        op.aliases = [a for a in (op.operation_id, f"{method.upper()} {api_path}") if a]
        self.names[name] = op
        self.claimed[key] = op
        self.all.append(op)

    def _unique_name(self, spec: SpecFile, method: str, api_path: str) -> str:
        """`vendor.readable_name`, numbered when two paths read the same."""
        name = f"{spec.profile.vendor}.{readable_name(method, api_path, spec.profile.name_suffixes)}"
        if name in self.names:
            name = f"{name}_{len([n for n in self.names if n.startswith(name)]) + 1}"
        return name


def route_shape(path: str) -> str:
    """Paths that differ only in parameter names clash: /a/{x} and /a/{y}."""
    return re.sub(r"\{[^}]*\}", "{}", path)
