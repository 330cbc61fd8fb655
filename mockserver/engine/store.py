"""The state store interface: every piece of mutable state the fake keeps, behind one set of methods.

Timelines, bindings, registered scenarios, the journal and violations, webhook endpoints,
jobs and deliveries, rate windows, credit balances, the due-time heap and minted ids. The engine reaches
state only through these methods, never into a container, so a shared store (Redis, for
several workers or replicas) can implement them without touching the engine. What such a
store must make atomic is marked: above all `take`, so that N concurrent polls consume
exactly N poll slots, none skipped or repeated. `MemoryStore` is the default.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..spec.account import Amount
from .accounts import AccountKey
from .jobs import Job
from .records import Record
from .scenario import Limit, Scenario, Step
from .timeline import Timeline
from .webhooks import Delivery, Endpoint

Key = tuple[str, str]  # (operation, resource id)


class Store(Protocol):
    jobs_dropped: int  # unfinished jobs forgotten past the cap: their webhooks are never sent

    # --- timelines ------------------------------------------------------------------------
    def take(self, key: Key, now: float) -> tuple[Timeline, int, Step] | None:
        """Atomic: consume one poll of the id's timeline; None when it has none yet."""

    def start(self, key: Key, scenario: Scenario, now: float, *, restart: bool = False) -> Timeline:
        """Atomic: the id's timeline, started on `scenario` if it has none (with restart, anew)."""

    def timeline(self, key: Key) -> Timeline | None:
        """The id's timeline, without consuming a poll."""

    def forget(self, key: Key) -> None:
        """The id starts afresh on its next request; a job on it is no longer announced."""

    def forget_timelines(self) -> None:
        """Every id starts afresh; the journal and the rest stay."""

    def timeline_count(self) -> tuple[int, int]:
        """(timelines held, timelines evicted so far)."""

    # --- scenarios and bindings -----------------------------------------------------------
    def add_scenario(self, scenario: Scenario) -> None: ...

    def scenario(self, name: str) -> Scenario | None: ...

    def scenarios(self) -> list[Scenario]: ...

    def bind(self, key: Key, name: str) -> None: ...

    def binding(self, key: Key) -> str | None: ...

    def unbind(self, key: Key) -> bool: ...

    def bindings(self) -> list[tuple[Key, str]]: ...

    # --- the journal ----------------------------------------------------------------------
    def record(self, entry: dict[str, Any]) -> None:
        """Journal one request; it gets the next sequence number."""

    def record_violation(self, entry: dict[str, Any]) -> None: ...

    def requests(self, operation: str | None, rid: str | None, limit: int | None) -> list[dict[str, Any]]: ...

    def violations(
        self, operation: str | None, rid: str | None, limit: int | None
    ) -> list[dict[str, Any]]: ...

    def clear_violations(self) -> None: ...

    def requests_total(self) -> int: ...

    # --- rate windows ---------------------------------------------------------------------
    def rate_wait(self, key: Key, limit: Limit, now: float) -> float:
        """Atomic: 0 and the call is counted, or the seconds until the window lets another in."""

    # --- accounts -------------------------------------------------------------------------
    def credit(self, key: AccountKey, start: Amount) -> Amount:
        """The (account, API key)'s balance: `start` while it holds none (never spent from or set)."""

    def spend(self, key: AccountKey, cost: Amount, start: Amount) -> bool:
        """Atomic: check and take. True and `cost` taken from the balance (which begins at `start`),
        or False and nothing taken when the balance is below the cost."""

    def set_credit(self, key: AccountKey, credit: Amount) -> None: ...

    def credits(self) -> dict[str, dict[str, Amount]]:
        """The balances held, by account then API key."""

    # --- webhook endpoints, jobs and deliveries -------------------------------------------
    def add_endpoint(self, endpoint: Endpoint) -> None: ...

    def endpoints(self, vendor: str) -> list[Endpoint]: ...

    def all_endpoints(self) -> dict[str, list[Endpoint]]: ...

    def remove_endpoint(self, vendor: str, endpoint_id: str) -> bool: ...

    def watch(self, job: Job) -> None:
        """Keep the job until it ends; it keeps its own timeline, even past the timelines' cap."""

    def job(self, key: Key) -> Job | None: ...

    def unwatch(self, key: Key) -> Job | None:
        """The job has ended: its timeline stays, as the most recent, for the polls that follow."""

    def job_keys(self) -> list[Key]: ...

    def peek(self, key: Key, now: float) -> tuple[int, Step] | None:
        """Atomic: where a watched job's timeline stands now, without consuming a poll."""

    def plan(self, key: Key, due: float) -> None:
        """The watched job's timeline ends on its own at `due`: put that on the heap, once."""

    def add_delivery(self, delivery: Delivery) -> None:
        """Log a new delivery; its first attempt is due at `next_due`."""

    def settle_delivery(self, delivery: Delivery, at: float, status: int | None, error: str | None) -> None:
        """Atomic: one attempt's result; a retry goes back on the heap, unless the fake was reset."""

    def deliveries(self, job_id: str | None = None) -> list[Delivery]: ...

    def due(self, now: float) -> tuple[list[Job], list[Delivery]]:
        """Atomic: jobs whose planned end has come, and deliveries to send now (marked sending)."""

    def scheduled(self) -> int:
        """How many entries wait on the due-time heap."""

    def mint_id(self) -> str:
        """A fresh id, unique across every process sharing the store."""

    # --- collections ------------------------------------------------------------------------
    # Records per (collection, API key), bounded; tombstones keyed (status operation, id).
    def put_record(self, key: Key, record: Record) -> None:
        """Atomic: add the record last in its collection, or store its change in place."""

    def records(self, key: Key) -> list[Record]:
        """The collection's records, oldest first."""

    def get_record(self, key: Key, rid: str) -> Record | None: ...

    def find_record(self, rid: str) -> tuple[Key, Record] | None:
        """A record and its collection by the record's id alone (an upload URL carries no key)."""

    def remove_record(self, key: Key, rid: str) -> Record | None: ...

    def bury(self, key: Key) -> None:
        """The job at (status operation, id) was deleted: it answers not_found from now on."""

    def buried(self, key: Key) -> bool: ...

    def record_count(self) -> tuple[int, int]:
        """(records held, records evicted so far)."""

    # --- reset ----------------------------------------------------------------------------
    def reset(self, rid: str | None = None) -> dict[str, int]:
        """Forget one id everywhere, or everything but the registered scenarios; the counts forgotten."""
