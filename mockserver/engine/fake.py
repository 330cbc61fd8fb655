"""The fake as a whole, without I/O: its catalog, scenarios, state store, clock and responders.

One `Fake` per app; nothing is global, so two fakes in one test process never share a
timeline. It is loaded fully at construction, or not at all (a `ConfigError`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from ..spec.account import Amount
from ..spec.catalog import Catalog
from ..spec.errors import ConfigError
from ..spec.profile import Profile
from .account import AccountResponder
from .accounts import AccountBook
from .answer import Answer, Request
from .clock import Clock, make_clock
from .create import CreateResponder
from .endings import Endings
from .listing import RESOURCE_RESPONDERS
from .media_links import MediaSigner
from .memory_store import MemoryStore
from .options import DEFAULT_SCENARIOS, Options
from .registry import RegistryResponder
from .render import Rendered
from .responder import Responder
from .scenario import Scenario, default_scenario, fuzz_scenario
from .scenario_file import ScenarioLoader
from .selection import Selection
from .store import Store
from .validation import RequestValidator


class Fake:
    """Everything one running fake holds and decides."""

    def __init__(self, options: Options, catalog: Catalog | None = None) -> None:
        self.options = options
        self.catalog = catalog or Catalog(options.specs_dir)
        loaded = self._library()
        self.store: Store = MemoryStore(options.timeline_cap, options.journal_size)
        defaults = {  # every call by id, not only polls: a POST or DELETE by id walks one too
            op.name: default_scenario(self.catalog, op, options.polls_per_state)
            for op in self.catalog.operations.values()
            if op.id_parameter is not None and op.resource is None  # lists and collections keep no timeline
        }
        self.selection = Selection(self.store, defaults, self.catalog.operations)
        for scenario in [*defaults.values(), fuzz_scenario(), *loaded]:
            self.selection.add(scenario)
        self.validators = {
            op.name: RequestValidator(op, options.api_keys, self.catalog.request_schema(op))
            for op in self.catalog.operations.values()
        }
        self.clock: Clock = make_clock(options.clock, options.clock_speed)
        self.rng = random.Random(options.seed)
        self.signer = MediaSigner()
        self.rendered = Rendered()  # one for all operations, so its bound is the fake's
        self.responders = self._responders()
        self.endings = Endings(self.store, self.responders)

    def _library(self) -> list[Scenario]:
        """The shipped library, then the user's folder: theirs come later, so a name clash is theirs."""
        options, loader = self.options, ScenarioLoader(self.catalog)
        self.accounts = AccountBook(self.catalog.profiles.accounts, loader.accounts)  # filled as files load
        shipped: list[Scenario] = []
        if options.shipped_scenarios:
            try:
                shipped = loader.load_dir(DEFAULT_SCENARIOS)
            except ConfigError as exc:  # the shipped library names the shipped specs' operations
                exc.fix += "; with specs of your own, pass --no-shipped-scenarios"
                raise ConfigError(exc.source, exc.place, exc.problem, exc.fix) from None
        own = options.scenarios_dir
        if own is None or (shipped and own.resolve() == DEFAULT_SCENARIOS.resolve()):
            return shipped
        return shipped + loader.load_dir(own)

    def _responders(self) -> dict[str, Responder]:
        """One per operation: a create call, a webhook registry call, or a served operation."""
        ops = self.catalog.operations
        plain = {name: Responder(op, self) for name, op in ops.items()}
        out: dict[str, Responder] = {}
        for name, op in ops.items():
            call = op.profile.creates.get(name)
            role = op.profile.webhooks.role(name) if op.profile.webhooks else None
            if op.resource is not None and op.resource.kind == "account":
                out[name] = AccountResponder(op, self)
            elif call is not None:
                out[name] = CreateResponder(op, self, call, plain[call.status])
            elif role is not None:
                out[name] = RegistryResponder(op, self, role)
            elif op.resource is not None and op.resource.kind in RESOURCE_RESPONDERS:
                out[name] = RESOURCE_RESPONDERS[op.resource.kind](op, self)
            else:
                out[name] = plain[name]
        for name in ops:  # a create call's status responder is the one that serves polls
            found = out[name]
            if isinstance(found, CreateResponder):
                found.status = out[found.call.status]
        return out

    def answer(self, operation: str, request: Request) -> Answer:
        """The engine's whole job: one vendor request in, its answer out."""
        return self.responders[operation].answer(request, self.clock.now())

    def linker(self, base: str, profile: Profile, rid: str, now: float) -> Callable[[str], str]:
        return self.signer.linker(base, profile, rid, now)

    def media_ok(self, resource: str, expires: str, signature: str) -> bool:
        """A signed link that holds, or a link to an asset its vendor serves unsigned."""
        vendor, _, rest = resource.partition("/")
        profile = self.catalog.profiles.by_vendor.get(vendor)
        if profile is not None and rest.rpartition("/")[2] in profile.unsigned_media:
            return True
        return self.signer.check(resource, expires, signature, self.clock.now())

    # --- credit -----------------------------------------------------------------------------
    def credit(self, account: str, key: str) -> Amount:
        """The key's balance on the account (KeyError: no such account)."""
        return self.store.credit((account, key), self.accounts.start(account, key))

    def spend(self, account: str, key: str, cost: Amount) -> bool:
        return cost == 0 or self.store.spend((account, key), cost, self.accounts.start(account, key))

    def set_credit(self, account: str, key: str, credit: Amount) -> None:
        if account not in self.accounts.accounts:
            raise KeyError(account)
        self.store.set_credit((account, key), credit)

    def accounts_view(self) -> list[dict[str, Any]]:
        """Each account: its starting credit, the profiles sharing it, and the balances held."""
        held = self.store.credits()
        return [
            {
                "account": name,
                "credit": account.credit,
                "inferred": account.inferred,
                "vendors": sorted(
                    p.vendor for p in self.catalog.profiles.by_vendor.values() if p.account.name == name
                ),
                "keys": held.get(name, {}),
            }
            for name, account in sorted(self.accounts.accounts.items())
        ]

    def reset(self, rid: str | None = None) -> dict[str, int]:
        return self.store.reset(rid)

    def health(self) -> dict[str, Any]:
        held, evicted = self.store.timeline_count()
        return {
            "status": "ok",
            "operations": len(self.catalog.operations),
            "scenarios": len(self.store.scenarios()),
            "clock": "virtual" if self.clock.virtual else "real",
            "now": self.clock.now(),
            "timelines": held,
            "evicted": evicted,
            "requests": self.store.requests_total(),
            "http_errors": self.options.http_errors,  # how it answers: what `mockserver check` can demand
            "keys_checked": self.options.api_keys is not None,
        }
