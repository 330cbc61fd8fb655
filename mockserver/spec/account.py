"""A profile's account (the credit each API key starts with) and a create call's cost and refs.

Kept apart from `profile.py` so the profile stays a list of vendor facts; every value here is
checked at load and refused in one line naming the profile file and the key.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigError, pointer

DEFAULT_CREDIT = 100  # each key's starting credit where a profile has no `account:` section
MAX_AMOUNT = 1e12  # a credit or cost past this is a typo; it also keeps credit x factor finite
Amount = int | float


@dataclass
class Account:
    """The balance a vendor's keys spend: profiles naming the same account share one per key."""

    name: str
    credit: Amount = DEFAULT_CREDIT
    inferred: list[str] = field(default_factory=list)


@dataclass
class Ref:
    """A create call's cross-reference: the body field at `path` must name an item of `catalog`,
    else the call answers the profile's error `error` (e.g. avatar_not_found)."""

    path: str
    catalog: str
    error: str


def amount(value: Any, label: str, place: str, what: str) -> Amount:
    """A credit or cost: a finite number from 0 to 1e12 (not a bool, which YAML writes as `true`)."""
    if not is_amount(value):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "..."
        raise ConfigError(
            label, place, f"{what} {shown} is not a number from 0 to 1e12", f"write '{what}: 100', or 0.5"
        )
    return value


def is_amount(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value) and 0 <= value <= MAX_AMOUNT


def account_of(raw: Any, vendor: str, label: str) -> Account:
    """The profile's `account:` section; absent, the vendor's own account with the default credit."""
    if raw is None:
        return Account(name=vendor)
    fix = "write 'account: {name: heygen, credit: 100, inferred: [credit]}'"
    if not isinstance(raw, dict):
        raise ConfigError(label, "/account", "'account' is not a mapping", fix)
    unknown = sorted(str(k) for k in raw if k not in ("name", "credit", "inferred"))
    if unknown:
        raise ConfigError(label, f"/account/{unknown[0]}", f"unknown account key '{unknown[0]}'", fix)
    name = raw.get("name", vendor)
    if not isinstance(name, str) or not name.strip() or "/" in name:
        raise ConfigError(label, "/account/name", f"account name {name!r} is not a plain word", fix)
    inferred = raw.get("inferred") or []
    if not isinstance(inferred, list) or any(not isinstance(x, str) for x in inferred):
        raise ConfigError(label, "/account/inferred", "'inferred' is not a list of key names", fix)
    credit = amount(raw.get("credit", DEFAULT_CREDIT), label, "/account/credit", "credit")
    return Account(name=name, credit=credit, inferred=list(inferred))


def cost_of(spec: dict[str, Any], label: str, call: str) -> Amount:
    """A create call's `cost` (0 when absent: the call spends nothing)."""
    if "cost" not in spec:
        return 0
    return amount(spec["cost"], label, pointer("creates", call, "cost"), "cost")


def refs_of(spec: dict[str, Any], label: str, call: str) -> list[Ref]:
    """A create call's `refs: {body.path: {catalog: OPERATION, error: NAME}}`, in written order."""
    raw = spec.get("refs") or {}
    fix = "write 'refs: {avatar_id: {catalog: heygen_v3.avatars_looks, error: avatar_not_found}}'"
    if not isinstance(raw, dict):
        raise ConfigError(label, pointer("creates", call, "refs"), "'refs' is not a mapping", fix)
    refs: list[Ref] = []
    for path, target in raw.items():
        place = pointer("creates", call, "refs", path)
        if not isinstance(target, dict) or set(target) != {"catalog", "error"}:
            raise ConfigError(label, place, f"ref '{path}' needs exactly 'catalog' and 'error'", fix)
        if not all(isinstance(v, str) and v for v in target.values()):
            raise ConfigError(label, place, f"ref '{path}' has a catalog or error that is not a name", fix)
        refs.append(Ref(path=str(path), catalog=target["catalog"], error=target["error"]))
    return refs
