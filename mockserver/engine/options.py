"""The one options object: how a fake behaves.

Each field is written once, with its default and its help; `mockserver serve`'s flags and
the pytest plugin's ini keys are both made from these fields, so they cannot drift apart.
"""

from __future__ import annotations

import sys
from dataclasses import Field, dataclass, field, fields
from pathlib import Path
from typing import Any

from ..spec.errors import ConfigError


def shipped(name: str) -> Path:
    """The shipped `specs/` or `scenarios/`: beside the package in a checkout, else where pip put them."""
    checkout = Path(__file__).resolve().parent.parent.parent / name
    installed = Path(sys.prefix) / "share" / "mockserver" / name
    return checkout if checkout.is_dir() or not installed.is_dir() else installed


DEFAULT_SPECS = shipped("specs")
DEFAULT_SCENARIOS = shipped("scenarios")
MIN_SPEED = 0.001  # a day of the fake's time lasts three years; a delay sleeps at most MAX_DELAY anyway
MAX_SPEED = 1e9  # delays vanish, and an hour of it still ends before the year 9999


def _number(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}".replace("e+0", "e").replace("e+", "e")


def _help(text: str, flag: str | None = None, bounds: tuple[float, float] | None = None, **extra: Any) -> Any:
    """Field metadata: the help line (with the bounds, where a number has them), and the flag's name."""
    if bounds is not None:
        text += f" From {_number(bounds[0])} to {_number(bounds[1])}."
    return {"help": text, "flag": flag, "bounds": bounds, **extra}


@dataclass
class Options:
    """How the fake behaves; every field is a flag of `mockserver serve` and an ini key of the plugin."""

    specs_dir: Path = field(
        default=DEFAULT_SPECS,
        metadata=_help("Folder of OpenAPI files (JSON or YAML), searched recursively.", "--specs"),
    )
    scenarios_dir: Path | None = field(
        default=None,
        metadata=_help(
            "Folder of your own scenario YAML files, added to the shipped library (yours win a name clash).",
            "--scenarios",
        ),
    )
    shipped_scenarios: bool = field(
        default=True,
        metadata=_help(
            "Load the shipped scenario library; --no-shipped-scenarios loads only your --scenarios."
        ),
    )
    clock: str = field(
        default="real",
        metadata=_help(
            "real, or virtual: time moves only when the admin API advances it.", choices=("real", "virtual")
        ),
    )
    clock_speed: float = field(
        default=1.0,
        metadata=_help(
            "With the real clock: run time this many times faster (100 walks a 10-minute render in 6 s).",
            bounds=(MIN_SPEED, MAX_SPEED),
        ),
    )
    strict: bool = field(
        default=False,
        metadata=_help("Answer request violations with the vendor's error instead of recording them."),
    )
    http_errors: bool = field(
        default=False,
        metadata=_help("Real HTTP statuses for vendors that put errors in a 200 body (JoggAI)."),
    )
    api_keys: frozenset[str] | None = field(
        default=None, metadata=_help("Accept only these keys (repeatable). Default: any key.", "--api-key")
    )
    timeline_cap: int = field(
        default=100_000, metadata=_help("Timelines kept before the oldest is forgotten.", bounds=(1, 10**8))
    )
    journal_size: int = field(default=10_000, metadata=_help("Journal ring size.", bounds=(1, 10**8)))
    polls_per_state: int = field(
        default=1, metadata=_help("Polls each state of a default timeline lasts.", bounds=(1, 10**6))
    )
    seed: int | None = field(
        default=None,
        metadata=_help("Seed for drawn delays and fuzz bodies, so a run repeats.", bounds=(0, 10**18)),
    )
    admin_token: str | None = field(
        default=None,
        metadata=_help(
            "Require 'Authorization: Bearer TOKEN' on /__mock. Needed to listen beyond 127.0.0.1. "
            "Env: MOCKSERVER_ADMIN_TOKEN.",
            envvar="MOCKSERVER_ADMIN_TOKEN",
        ),
    )
    vendor_urls: bool = field(
        default=False,
        metadata=_help(
            "Keep the vendor's media URLs in bodies instead of signed links to the fake's own files."
        ),
    )
    header_timeout: float = field(
        default=10.0,
        metadata=_help(
            "Seconds a client may take to send a request's line and headers; a connection still "
            "without a whole request head by then is closed.",
            bounds=(0.001, 86_400.0),
        ),
    )

    def __post_init__(self) -> None:
        """Check what a flag, an ini key or a keyword can get wrong, before anything is loaded."""
        if self.clock not in ("real", "virtual"):
            self._refuse("clock", "is not a clock", "use 'real' or 'virtual'")
        for f in fields(self):
            value, bounds = getattr(self, f.name), f.metadata.get("bounds")
            if bounds is not None and value is not None and not bounds[0] <= value <= bounds[1]:  # nan too
                kind = "a whole number" if field_kind(f) == "int" else "a number"
                self._refuse(
                    f.name, "is out of range", f"use {kind} from {_number(bounds[0])} to {_number(bounds[1])}"
                )
        if self.api_keys is not None:
            self.api_keys = frozenset(self.api_keys)
        self.specs_dir = Path(self.specs_dir)
        if self.scenarios_dir is not None:
            self.scenarios_dir = Path(self.scenarios_dir)

    def _refuse(self, name: str, problem: str, fix: str) -> None:
        flag = flag_name(next(f for f in fields(self) if f.name == name))
        raise ConfigError(f"{flag} {getattr(self, name)}", "", problem, fix)


def option_fields() -> list[Any]:
    """The fields of Options, in order: what the CLI and the plugin turn into flags and ini keys."""
    return list(fields(Options))


def flag_name(field: Field[Any]) -> str:
    """The option's flag: its own where the field names one, else `--field-name`."""
    return str(field.metadata.get("flag") or "--" + field.name.replace("_", "-"))


VALUE_TYPES: dict[str, Any] = {"int": int, "float": float, "str": str, "Path": Path}


def field_kind(field: Field[Any]) -> str:
    """'bool', 'keys' (a set of strings), or a key of VALUE_TYPES: how a flag or ini key reads the field."""
    kind = str(field.type).split(" | ")[0]
    return "keys" if kind.startswith("frozenset") else kind
