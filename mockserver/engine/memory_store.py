"""The default state store: one process, in memory, every collection bounded.

It implements `store.Store`; see there for what each method promises.
"""

from __future__ import annotations

import threading
import uuid
from collections import deque
from typing import Any

from ..spec.account import Amount
from .accounts import AccountKey, Balances
from .capped import Capped
from .jobs import Job, Schedule
from .journal import Journal
from .rate_window import RateWindows
from .records import Record, Records
from .scenario import Limit, Scenario, Step
from .store import Key, Store
from .timeline import Timeline
from .webhooks import Delivery, Endpoint

PER_KEY = 10_000  # records one collection of one API key keeps (a client's list, not a soak's)


class MemoryStore(Store):
    """The default store: one process, in memory, each collection bounded."""

    def __init__(self, cap: int = 100_000, journal_size: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._timelines: Capped[Key, Timeline] = Capped(cap)
        self._jobs: Capped[Key, Job] = Capped(cap)
        self._bindings: dict[Key, str] = {}
        self._scenarios: dict[str, Scenario] = {}
        self._journal = Journal(journal_size)
        self._violations = Journal(journal_size)
        self._endpoints: dict[str, dict[str, Endpoint]] = {}
        self._deliveries: deque[Delivery] = deque(maxlen=journal_size)
        self._pending: dict[str, Delivery] = {}  # deliveries with an attempt still to make
        self._windows = RateWindows(cap)
        self._balances = Balances(cap)
        self._schedule = Schedule()
        self._records = Records(cap, min(cap, PER_KEY))
        self.jobs_dropped = 0  # unfinished jobs forgotten past the cap: their webhooks are never sent

    # --- timelines ------------------------------------------------------------------------
    def take(self, key: Key, now: float) -> tuple[Timeline, int, Step] | None:
        """Consume one poll of an existing timeline; None when the id has none yet."""
        with self._lock:
            timeline = self._timeline(key)
            if timeline is None:
                return None
            index, step = timeline.take(now)
            return timeline, index, step

    def start(self, key: Key, scenario: Scenario, now: float, *, restart: bool = False) -> Timeline:
        """The id's timeline, started on `scenario` if it has none (or, with restart, anew)."""
        with self._lock:
            timeline = None if restart else self._timeline(key)
            if timeline is None:
                timeline = Timeline(key[0], key[1], scenario, first_seen=now, step_started=now)
                self._timelines.put(key, timeline)
            return timeline

    def timeline(self, key: Key) -> Timeline | None:
        """The id's timeline, without consuming a poll."""
        with self._lock:
            return self._timeline(key)

    def _timeline(self, key: Key) -> Timeline | None:
        timeline = self._timelines.get(key)
        if timeline is None:
            job = self._jobs.items.get(key)
            if job is not None:  # forgotten by the LRU, kept by its unfinished job
                timeline = job.timeline
                self._timelines.put(key, timeline)
        return timeline

    def forget(self, key: Key) -> None:
        """The id starts afresh on its next request; a job on it is no longer announced."""
        with self._lock:
            self._timelines.pop(key)
            self._jobs.pop(key)

    def forget_timelines(self) -> None:
        """Every id starts afresh; the journal and the rest stay (a contract run between cases)."""
        with self._lock:
            self._timelines.clear()
            self._jobs.clear()

    def timeline_count(self) -> tuple[int, int]:
        """(timelines held, timelines evicted so far)."""
        return len(self._timelines), self._timelines.evicted

    # --- scenarios and bindings -----------------------------------------------------------
    def add_scenario(self, scenario: Scenario) -> None:
        self._scenarios[scenario.name] = scenario

    def scenario(self, name: str) -> Scenario | None:
        return self._scenarios.get(name)

    def scenarios(self) -> list[Scenario]:
        return list(self._scenarios.values())

    def bind(self, key: Key, name: str) -> None:
        self._bindings[key] = name

    def binding(self, key: Key) -> str | None:
        return self._bindings.get(key)

    def unbind(self, key: Key) -> bool:
        return self._bindings.pop(key, None) is not None

    def bindings(self) -> list[tuple[Key, str]]:
        return list(self._bindings.items())

    # --- journal --------------------------------------------------------------------------
    def record(self, entry: dict[str, Any]) -> None:
        """Journal one request (every vendor request comes through here, so it is kept short)."""
        self._journal.record(entry)

    def record_violation(self, entry: dict[str, Any]) -> None:
        self._violations.record(entry)

    def requests(self, operation: str | None, rid: str | None, limit: int | None) -> list[dict[str, Any]]:
        return self._journal.query(operation, rid, limit)

    def violations(self, operation: str | None, rid: str | None, limit: int | None) -> list[dict[str, Any]]:
        return self._violations.query(operation, rid, limit)

    def clear_violations(self) -> None:
        self._violations.clear()

    def requests_total(self) -> int:
        return self._journal.total

    # --- rate windows ---------------------------------------------------------------------
    def rate_wait(self, key: Key, limit: Limit, now: float) -> float:
        """0 and the call is counted, or the seconds until the window lets another in."""
        with self._lock:
            return self._windows.wait(key, limit, now)

    # --- accounts -------------------------------------------------------------------------
    def credit(self, key: AccountKey, start: Amount) -> Amount:
        with self._lock:
            return self._balances.get(key, start)

    def spend(self, key: AccountKey, cost: Amount, start: Amount) -> bool:
        with self._lock:
            return self._balances.spend(key, cost, start)

    def set_credit(self, key: AccountKey, credit: Amount) -> None:
        with self._lock:
            self._balances.set(key, credit)

    def credits(self) -> dict[str, dict[str, Amount]]:
        with self._lock:
            return self._balances.all()

    # --- webhook endpoints, jobs, deliveries and the schedule -----------------------------
    def add_endpoint(self, endpoint: Endpoint) -> None:
        self._endpoints.setdefault(endpoint.vendor, {})[endpoint.endpoint_id] = endpoint

    def endpoints(self, vendor: str) -> list[Endpoint]:
        return list(self._endpoints.get(vendor, {}).values())

    def all_endpoints(self) -> dict[str, list[Endpoint]]:
        return {vendor: list(found.values()) for vendor, found in self._endpoints.items()}

    def remove_endpoint(self, vendor: str, endpoint_id: str) -> bool:
        return self._endpoints.get(vendor, {}).pop(endpoint_id, None) is not None

    def watch(self, job: Job) -> None:
        """Keep the job until it ends; past the cap the oldest is dropped, and counted."""
        key = (job.operation, job.rid)
        with self._lock:
            self._jobs.pop(key)
            self.jobs_dropped += len(self._jobs.put(key, job))

    def job(self, key: Key) -> Job | None:
        return self._jobs.items.get(key)

    def unwatch(self, key: Key) -> Job | None:
        """The job has ended: its timeline stays, as the most recent, for the polls that follow."""
        with self._lock:
            job = self._jobs.pop(key)
            if job is not None and self._timelines.items.get(key) is None:
                self._timelines.put(key, job.timeline)
            return job

    def job_keys(self) -> list[Key]:
        return list(self._jobs.items)

    def add_delivery(self, delivery: Delivery) -> None:
        """Log a new delivery; its first attempt is due at `next_due`."""
        self._deliveries.append(delivery)
        with self._lock:
            self._pending[delivery.delivery_id] = delivery
            self._schedule.push(delivery.next_due, ("delivery", delivery.delivery_id, delivery.next_due))
            self._bound_schedule()

    def settle_delivery(self, delivery: Delivery, at: float, status: int | None, error: str | None) -> None:
        """One attempt's result; a retry goes back on the heap, unless the fake was reset meanwhile."""
        with self._lock:
            if self._pending.get(delivery.delivery_id) is not delivery:
                return
            if delivery.settle(at, status, error):
                self._schedule.push(delivery.next_due, ("delivery", delivery.delivery_id, delivery.next_due))
            else:
                del self._pending[delivery.delivery_id]

    def deliveries(self, job_id: str | None = None) -> list[Delivery]:
        return [d for d in self._deliveries if job_id is None or d.job_id == job_id]

    def peek(self, key: Key, now: float) -> tuple[int, Step] | None:
        """Where a watched job's timeline stands now, without consuming a poll."""
        with self._lock:
            job = self._jobs.items.get(key)
            return job.timeline.peek(now) if job is not None else None

    def plan(self, key: Key, due: float) -> None:
        """The watched job's timeline ends on its own at `due`: put that on the heap, once."""
        with self._lock:
            job = self._jobs.items.get(key)
            if job is not None and job.due != due:
                job.due = due
                self._schedule.push(due, ("job", key, due))
                self._bound_schedule()

    def due(self, now: float) -> tuple[list[Job], list[Delivery]]:
        """Everything due by now: jobs whose planned end has come, and deliveries to send (marked sending).

        Entries made stale by a reset, a re-plan or an earlier attempt are dropped here.
        """
        jobs: list[Job] = []
        sending: list[Delivery] = []
        with self._lock:
            for _, (kind, key, due) in self._schedule.pop_due(now):
                if kind == "job":
                    job = self._jobs.items.get(key)
                    if job is not None and job.due == due:
                        job.due = None
                        jobs.append(job)
                    continue
                delivery = self._pending.get(key)
                if delivery is not None and delivery.state == "pending" and delivery.next_due == due:
                    delivery.state = "sending"
                    sending.append(delivery)
        return jobs, sending

    def _bound_schedule(self) -> None:
        """Stale entries (reset, forgotten or dropped jobs) leave the heap once they outnumber the live."""
        if len(self._schedule) > 2 * (len(self._jobs) + len(self._pending)) + 1024:
            self._schedule.keep(self._live)

    def _live(self, item: tuple[str, Any, float]) -> bool:
        kind, key, due = item
        if kind == "job":
            job = self._jobs.items.get(key)
            return job is not None and job.due == due
        delivery = self._pending.get(key)
        return delivery is not None and delivery.next_due == due

    def scheduled(self) -> int:
        """How many entries wait on the due-time heap (stale ones included until popped)."""
        return len(self._schedule)

    def mint_id(self) -> str:
        return uuid.uuid4().hex

    # --- collections ------------------------------------------------------------------------
    def put_record(self, key: Key, record: Record) -> None:
        with self._lock:
            self._records.put(key, record)

    def records(self, key: Key) -> list[Record]:
        with self._lock:
            return self._records.all(key)

    def get_record(self, key: Key, rid: str) -> Record | None:
        return self._records.get(key, rid)

    def find_record(self, rid: str) -> tuple[Key, Record] | None:
        with self._lock:
            return self._records.find(rid)

    def remove_record(self, key: Key, rid: str) -> Record | None:
        with self._lock:
            return self._records.remove(key, rid)

    def bury(self, key: Key) -> None:
        with self._lock:
            self._records.bury(key)

    def buried(self, key: Key) -> bool:
        return self._records.buried(key)

    def record_count(self) -> tuple[int, int]:
        return len(self._records), self._records.evicted

    # --- reset ----------------------------------------------------------------------------
    def reset(self, rid: str | None = None) -> dict[str, int]:
        """Forget one id everywhere, or everything but the scenarios; the counts forgotten."""
        with self._lock:
            if rid is None:
                counts = {"timelines": len(self._timelines), "bindings": len(self._bindings)}
                counts["records"] = self._records.clear()
                for kept in (
                    self._timelines,
                    self._jobs,
                    self._windows,
                    self._balances,
                    self._schedule,
                    self._deliveries,
                    self._pending,
                ):
                    kept.clear()
                self._bindings.clear()
                self._endpoints.clear()
                self._journal.clear()
                self._violations.clear()
                return counts
            keys = [k for k in self._timelines.items if k[1] == rid]
            keys += [k for k in self._jobs.items if k[1] == rid and k not in keys]
            for key in keys:
                self._timelines.pop(key)
                self._jobs.pop(key)
            bound = [k for k in self._bindings if k[1] == rid]
            for key in bound:
                del self._bindings[key]
            self._journal.clear(rid)
            self._violations.clear(rid)
            return {"timelines": len(keys), "bindings": len(bound), "records": self._records.forget_id(rid)}
