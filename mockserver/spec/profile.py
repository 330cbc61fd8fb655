"""Vendor profiles: error envelopes, id fields and status words, kept as data.

The specs say what a vendor's bodies look like; a profile says what the specs leave out
(how an auth failure looks, where the id sits, which statuses are terminal). Code reads
these facts from here instead of branching on the vendor's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .account import Account, Amount, Ref, account_of, cost_of, refs_of
from .errors import ConfigError
from .placeholders import fill
from .reader import read_document
from .webhook_profile import WebhookEvent, WebhookProfile

PROFILE_DIR = Path(__file__).parent / "profiles"
ERROR_NAMES = (  # every profile defines these: a scenario may name any
    "unauthorized",
    "not_found",
    "invalid_parameter",
    "insufficient_credit",
    "no_permission",
    "rate_limited",
    "server_error",
)


@dataclass
class VendorError:
    """One error a vendor answers, in its own envelope."""

    name: str
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    http_status: int | None = None
    inferred: bool = False
    documented_for: list[str] = field(default_factory=list)  # else inferred on other operations

    def inferred_on(self, operation: str) -> bool:
        """The vendor documents no such answer for this operation: the fake marks it inferred."""
        return self.inferred or bool(self.documented_for) and operation not in self.documented_for

    def status_for(self, http_errors: bool) -> int:
        return self.http_status if http_errors and self.http_status else self.status

    transient: bool = False  # an error a client should retry (a rate limit, a 500)
    defaults: dict[str, Any] = field(default_factory=dict)  # placeholder values when the fake has none

    def render(self, detail: str = "", values: dict[str, Any] | None = None) -> Any:
        """The body with `{detail}` (and `{credit}`, `{cost}`...) filled in; without a detail, its
        lead-in (`: `) goes too."""
        return _trim(fill(self.body, {**self.defaults, **(values or {}), "detail": detail}), self.body)


@dataclass
class CreateCall:
    """A create operation: the status operation its new id is polled on, and where the id comes from."""

    status: str
    id_from_body: str | None = None
    name_fields: list[str] = field(default_factory=list)
    callback_field: str | None = None  # the request field with a per-job webhook URL
    events: dict[str, WebhookEvent] = field(default_factory=dict)  # by outcome: success, failure
    collection: str | None = None  # the job is recorded in this collection of the caller's key
    cost: Amount = 0  # credit taken from the caller's account at create
    refs: list[Ref] = field(default_factory=list)  # body fields that must name a catalog's item


@dataclass
class MediaLinks:
    """How the vendor's CDN links look and live: their lifetime and CloudFront key pair id."""

    lifetime: int
    key_pair_id: str


@dataclass
class Profile:
    vendor: str
    hosts: list[str]
    auth_header: str
    id_fields: list[str]
    created_fields: list[str]
    updated_fields: list[str]
    completed_fields: list[str]  # set when the job ended (its updated time), where a body has them
    status_field: str
    progress: list[str]
    success: list[str]
    failure: list[str]
    failure_message_fields: list[str]
    error_schema: dict[str, Any]
    errors: dict[str, VendorError]
    creates: dict[str, CreateCall] = field(default_factory=dict)
    media: dict[str, str] = field(default_factory=dict)  # body field -> asset served by the fake
    unsigned_media: set[str] = field(default_factory=set)  # assets linked plainly, as the vendor does
    media_links: MediaLinks | None = None
    webhooks: WebhookProfile | None = None
    name_suffixes: list[str] = field(default_factory=list)  # cut from path words when naming operations
    # Where the vendor's routes are also served (`/heygen/v2/voices`): the base URL a client swaps in when
    # two vendors share a path (HeyGen's and JoggAI's `GET /v2/voices`). Vendors of one API share one.
    prefix: str = ""
    account: Account = field(default_factory=lambda: Account(name="generic"))
    source: str = ""  # where the profile's facts come from, named in lint messages
    label: str = ""  # the profile file, for messages about it

    def status_class(self, status: Any) -> str | None:
        """'progress', 'success' or 'failure' for a status word, None if unknown."""
        word = str(status).lower() if status is not None else ""
        for name in ("success", "failure", "progress"):
            if word in getattr(self, name):
                return name
        return None

    def progress_rank(self, status: Any) -> int:
        word = str(status).lower()
        return self.progress.index(word) if word in self.progress else len(self.progress)

    def error_for_status(self, code: int, http_errors: bool) -> VendorError | None:
        for err in self.errors.values():
            if err.status_for(http_errors) == code or err.http_status == code:
                return err
        return None


def _profile_from(data: Any, label: str) -> Profile:
    def need(key: str) -> Any:
        return _need(data, key, label)

    errors = _errors(need("errors"), label)
    statuses = need("statuses")
    stamps = data.get("timestamps") or {}
    if data.get("media") and not data.get("media_links"):
        raise ConfigError(
            label,
            "/media_links",
            "media fields without 'media_links'",
            "add 'media_links: {lifetime: SECONDS, key_pair_id: ID}'",
        )
    vendor = str(need("vendor"))
    return Profile(
        vendor=vendor,
        hosts=[str(h) for h in data.get("hosts") or []],
        auth_header=str(need("auth_header")).lower(),
        id_fields=list(need("id_fields")),
        created_fields=list(stamps.get("created") or []),
        updated_fields=list(stamps.get("updated") or []),
        completed_fields=list(stamps.get("completed") or []),
        status_field=str(need("status_field")),
        progress=[s.lower() for s in statuses.get("progress", [])],
        success=[s.lower() for s in statuses.get("success", [])],
        failure=[s.lower() for s in statuses.get("failure", [])],
        failure_message_fields=list(data.get("failure_message_fields") or []),
        error_schema=need("error_schema"),
        errors=errors,
        creates=_creates(data.get("creates") or {}, label),
        media={str(k): _asset(v) for k, v in (data.get("media") or {}).items()},
        unsigned_media={_asset(v) for v in (data.get("media") or {}).values() if _unsigned(v)},
        media_links=MediaLinks(**data["media_links"]) if data.get("media_links") else None,
        webhooks=WebhookProfile(**data["webhooks"]) if data.get("webhooks") else None,
        name_suffixes=[str(x) for x in data.get("name_suffixes") or []],
        prefix=_prefix(data.get("prefix"), vendor, label),
        account=account_of(data.get("account"), vendor, label),
        source=str(data.get("source") or ""),
        label=label,
    )


PREFIX = re.compile(r"^/[A-Za-z0-9_-]+$")


def _prefix(raw: Any, vendor: str, label: str) -> str:
    """The vendor's route prefix: `prefix:` in the profile, else `/<vendor>`; one path word."""
    prefix = f"/{vendor}" if raw is None else raw
    if not isinstance(prefix, str) or not PREFIX.match(prefix) or prefix in ("/__mock", "/__media"):
        raise ConfigError(
            label,
            "/prefix",
            f"route prefix {prefix!r} is not one path word like '/heygen' (nor the fake's own)",
            "write 'prefix: /heygen' (letters, digits, '_' or '-')",
        )
    return prefix


def _asset(entry: Any) -> str:
    """A media entry is an asset name, or `{asset: NAME, signed: false}` for a link the vendor
    serves without a signature (HeyGen's caption and GIF links)."""
    return str(entry.get("asset")) if isinstance(entry, dict) else str(entry)


def _unsigned(entry: Any) -> bool:
    return isinstance(entry, dict) and entry.get("signed") is False


def _need(data: Any, key: str, label: str) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise ConfigError(label, f"/{key}", f"missing '{key}'", f"add '{key}' to the profile")
    return data[key]


def _errors(raw_errors: Any, label: str) -> dict[str, VendorError]:
    """Every error by name; all of ERROR_NAMES must be there, since scenarios may name any."""
    for name in ERROR_NAMES:
        if name not in raw_errors:
            raise ConfigError(
                label,
                f"/errors/{name}",
                f"missing error '{name}'",
                f"define every error a scenario can name: {', '.join(ERROR_NAMES)}",
            )
    return {
        name: VendorError(
            name=name,
            status=int(spec["status"]),
            body=spec["body"],
            headers={str(k): str(v) for k, v in (spec.get("headers") or {}).items()},
            http_status=spec.get("http_status"),
            inferred=bool(spec.get("inferred", False)),
            documented_for=[str(o) for o in spec.get("documented_for") or []],
            transient=bool(spec.get("transient", False)),
            defaults=dict(spec.get("defaults") or {}),
        )
        for name, spec in raw_errors.items()
    }


def _creates(raw_creates: dict[str, Any], label: str) -> dict[str, CreateCall]:
    return {
        name: CreateCall(
            status=str(spec["status"]),
            id_from_body=spec.get("id_from_body"),
            name_fields=list(spec.get("name_fields") or []),
            callback_field=spec.get("callback_field"),
            collection=spec.get("collection"),
            events={
                outcome: WebhookEvent(name=str(ev["name"]), payload=ev["payload"])
                for outcome, ev in (spec.get("events") or {}).items()
            },
            cost=cost_of(spec, label, name),
            refs=refs_of(spec, label, name),
        )
        for name, spec in raw_creates.items()
    }


class Profiles:
    """All known vendor profiles, and the rule that picks one for a spec file."""

    def __init__(self, folder: Path = PROFILE_DIR) -> None:
        self.by_vendor: dict[str, Profile] = {}
        for path in sorted(folder.glob("*.yaml")):
            profile = _profile_from(read_document(path), str(path))
            self.by_vendor[profile.vendor] = profile
        self.accounts = _accounts(self.by_vendor.values())

    def for_spec(self, doc: dict[str, Any], folder_name: str, label: str = "spec") -> Profile:
        """The profile the spec names (`x-mock-profile`), else the one whose host matches its servers,
        else its folder's, else generic."""
        if "x-mock-profile" in doc:
            named = doc["x-mock-profile"]
            if not isinstance(named, str) or named not in self.by_vendor:
                raise ConfigError(
                    label,
                    "/x-mock-profile",
                    f"unknown profile {named!r}",
                    f"name one of the known profiles: {', '.join(sorted(self.by_vendor))}",
                )
            return self.by_vendor[named]
        for server in doc.get("servers") or []:
            host = urlparse(str(server.get("url", ""))).hostname if isinstance(server, dict) else None
            for profile in self.by_vendor.values():
                if host and host in profile.hosts:
                    return profile
        return self.by_vendor.get(folder_name) or self.by_vendor["generic"]


def _accounts(profiles: Any) -> dict[str, Account]:
    """Every account by name; profiles sharing one must agree on its starting credit."""
    out: dict[str, Account] = {}
    for profile in profiles:
        account, first = profile.account, out.setdefault(profile.account.name, profile.account)
        if first.credit != account.credit:
            raise ConfigError(
                profile.label,
                "/account/credit",
                f"account '{account.name}' starts at {account.credit} here but at {first.credit} in another profile",
                "give profiles that share an account the same credit",
            )
    return out


def _trim(filled: Any, template: Any) -> Any:
    """Strip the `: ` left where an empty `{detail}` stood (`Invalid parameter: ` -> `Invalid parameter`)."""
    if isinstance(filled, dict) and isinstance(template, dict):
        return {k: _trim(v, template.get(k)) for k, v in filled.items()}
    if isinstance(filled, str) and isinstance(template, str) and "{detail}" in template:
        return filled.rstrip(": ")
    return filled
