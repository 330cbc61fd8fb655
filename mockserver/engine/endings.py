"""When jobs end, and the webhook deliveries that follow: events, not scans.

A job is looked at only when something can have changed: when it is created, when its
id is polled, and when the due-time heap says a timed step has run out. At its end the
job's webhook deliveries are made and put on the same heap; the server pops what is due.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..spec.paths import lookup
from .jobs import Job
from .store import Key, Store
from .webhooks import Delivery, deliveries_for, payload_values

if TYPE_CHECKING:
    from .responder import Responder


class Endings:
    """Watches created jobs through their status operations' responders."""

    def __init__(self, store: Store, responders: dict[str, Responder]) -> None:
        self.store = store
        self.responders = responders

    def watch(self, job: Job, now: float) -> None:
        self.store.watch(job)
        self.check(job, now)

    def polled(self, key: Key, now: float) -> None:
        """A poll may have ended a job whose step lasts for polls."""
        job = self.store.job(key)
        if job is not None:
            self.check(job, now)

    def check(self, job: Job, now: float) -> None:
        """Fire the job if its timeline stands at an end; else plan its next timed end on the heap."""
        key = (job.operation, job.rid)
        responder = self.responders[job.operation]
        found = self.store.peek(key, now)
        if found is None:  # no longer watched: reset, or dropped past the cap
            return
        index, step = found
        outcome = responder.outcome(step)
        if outcome is not None:
            self.fire(job, outcome, step_index=index, now=now)
            return
        due = job.timeline.ends_at(now, lambda s: responder.outcome(s) is not None)
        if due is not None:
            self.store.plan(key, due)

    def fire(self, job: Job, outcome: str, step_index: int, now: float) -> None:
        """Make the job's deliveries, due now."""
        store = self.store
        store.unwatch((job.operation, job.rid))
        responder = self.responders[job.operation]
        step = job.timeline.scenario.steps[step_index]
        body = responder.step_value(step, job.rid, job.timeline.first_seen, now, job.base)
        profile = responder.op.profile
        failure = next(
            (v for f in profile.failure_message_fields if isinstance(v := lookup(body, f), str)), None
        )
        values = payload_values(job.rid, store.mint_id(), now, failure, job.request, body)
        vendor_endpoints = store.endpoints(profile.vendor)
        for delivery in deliveries_for(
            profile, job.call, outcome, values, vendor_endpoints, store.mint_id, now
        ):
            store.add_delivery(delivery)

    def due(self, now: float) -> list[Delivery]:
        """Jobs whose timed end has come are fired; the deliveries whose attempt is due, to send."""
        sending: list[Delivery] = []
        for _ in range(3):  # a job fired here makes deliveries due now: the next pass takes them
            jobs, deliveries = self.store.due(now)
            sending += deliveries
            if not jobs:
                break
            for job in jobs:
                self.check(job, now)
        return sending

    def settle(self, delivery: Delivery, at: float, status: int | None, error: str | None) -> None:
        """One attempt's result; a retry goes back on the heap (not after a reset)."""
        self.store.settle_delivery(delivery, at, status, error)
