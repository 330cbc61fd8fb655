"""A create call: check the body, mint the id, and start the job's timeline now.

A create call may have a scenario of its own, keyed by API key (a rate limit, a failing
create); the job it starts gets its scenario like any id, or by the name it was given.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..spec.openapi import Operation
from ..spec.profile import CreateCall
from .answer import Answer, Request
from .collection import keep_job
from .create_checks import CreateChecks
from .jobs import Job
from .responder import Responder
from .scenario import Step
from .selection import UnknownScenario

if TYPE_CHECKING:
    from .fake import Fake


class CreateResponder(Responder):
    """Starts a job on the status operation `status` and answers the vendor's 'created' body."""

    def __init__(self, op: Operation, fake: Fake, call: CreateCall, status: Responder) -> None:
        super().__init__(op, fake)
        self.call = call
        self.status = status
        self.created = next(ex for ex in self.examples.values() if ex.status_code == 200)
        self.checks = CreateChecks(fake.catalog, call)

    def answer(self, request: Request, now: float) -> Answer:
        entry = self.entry(request, now, None)
        answer = self.validate(request, entry) or self.preferred(request, now, entry)
        if answer is None:
            answer = self.own_step(request, now, entry)
        if answer is None:
            answer, body = self.checked_body(request.body, entry)
        if answer is None:
            answer = self.create(body, request, now, entry)
            answer.delay = entry.pop("call_delay", 0.0)
        return self.done(answer, entry)

    def own_step(self, request: Request, now: float, entry: dict[str, Any]) -> Answer | None:
        """The call's own scenario, keyed by API key: its limit, then its step. None: go on and create."""
        fake = self.fake
        key = request.headers.get(self.op.profile.auth_header, "")
        scenario = fake.selection.for_call(self.op, key, request.headers.get("x-mock-scenario"))
        if scenario is None:
            return None
        entry["call_scenario"] = scenario.name
        if scenario.limit is not None:
            wait = fake.store.rate_wait((scenario.name, key), scenario.limit, now)
            if wait > 0:
                answer = self.error("rate_limited")
                if "Retry-After" in answer.headers:  # only a vendor that sends one (its profile says)
                    answer.headers["Retry-After"] = str(max(1, math.ceil(wait)))
                return answer
        timeline_key = (self.op.name, key)
        current = fake.store.timeline(timeline_key)
        restart = current is not None and current.scenario is not scenario  # another scenario: afresh
        fake.store.start(timeline_key, scenario, now, restart=restart)
        taken = fake.store.take(timeline_key, now)
        assert taken is not None
        _, index, step = taken
        entry["call_step"] = index
        if self.creates(step):
            entry["call_delay"] = step.delay.draw(fake.rng) if step.delay is not None else 0.0
            return None
        return self.step(step, key, now, now, request.base)

    def creates(self, step: Step) -> bool:
        """A step that lets the call create: a 200 example, or a `*` scenario's outcome where the call
        has no other example for it (success, progress), or a fuzz draw (no variants of a create)."""
        if step.kind == "example":
            return self.examples[step.value].status_code == 200
        if step.kind == "outcome":
            ranked = self.fake.catalog.by_class(self.op, str(step.value))
            return not any(e.status_code != 200 for e in ranked)
        return step.kind == "fuzz"

    def create(self, body: Any, request: Request, now: float, entry: dict[str, Any]) -> Answer:
        fake, call, status_op = self.fake, self.call, self.status.op
        fields = body if isinstance(body, dict) else {}
        rid = str(fields.get(call.id_from_body)) if call.id_from_body else fake.store.mint_id()
        names = [str(fields[f]) for f in call.name_fields if isinstance(fields.get(f), str)]
        header = request.headers.get("x-mock-scenario")
        if header and header == entry.get("call_scenario"):
            header = None  # it named the create call's own scenario (a limit), not the job's
        try:
            scenario = fake.selection.for_job(status_op, rid, header, names)
        except UnknownScenario as exc:
            return self.unknown_scenario(exc, exc.valid + fake.selection.usable(self.op))
        refused = self.checks.refused(self, fields, request.headers.get(self.op.profile.auth_header, ""))
        if refused is not None:  # an unknown reference, or too little credit: no job
            return refused
        key = (status_op.name, rid)
        timeline = fake.store.start(key, scenario, now, restart=True)  # a job created again starts again
        keep_job(fake, self.op, call, request, rid, body, now)
        if call.events:
            fake.endings.watch(Job(status_op.name, rid, timeline, call, fields, request.base), now)
        entry["id"] = rid
        entry["scenario"] = scenario.name
        return self.example(self.created, rid, now, now, request.base)
