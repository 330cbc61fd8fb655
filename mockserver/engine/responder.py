"""How one vendor operation answers: validate, find the timeline, take a step, render it.

A `Responder` is the engine's side of one operation; create calls and webhook registries
are kinds of it (`create.py`, `registry.py`). It never touches HTTP: it gets a `Request`
and the time, and returns an `Answer`, journaling what it did on the way.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from ..spec.bodies import Example
from ..spec.openapi import Operation
from ..spec.paths import lookup
from ..spec.placeholders import has_holes
from .answer import Answer, Request
from .documented_errors import DocumentedErrors
from .prefer import documented_only, parse_prefer
from .prefer import prefer as choose
from .render import Template
from .scenario import Step
from .selection import UnknownScenario
from .timeline import Timeline
from .validation import TOLERATED, Violation
from .variants import vendor_variant

if TYPE_CHECKING:
    from .fake import Fake

TERMINAL = ("success", "failure")


class Responder:
    """The engine's answer to one operation: a polled resource, or any other call."""

    def __init__(self, op: Operation, fake: Fake) -> None:
        self.op = op
        self.fake = fake
        self.validator = fake.validators[op.name]
        self.examples = fake.catalog.examples[op.name]
        media = not fake.options.vendor_urls
        self.media = media
        self.templates = {
            name: Template(f"{op.name}/{name}", ex.body, op.profile, media)
            for name, ex in self.examples.items()
        }
        self.id_param = op.id_parameter
        # only a create call's status operation has jobs to watch: others skip the look on each poll
        self.watched = any(c.status == op.name and c.events for c in op.profile.creates.values())
        self.collected = any(c.status == op.name for c in op.profile.creates.values())  # a key's own jobs
        self.documented_only = documented_only(self)  # what `Prefer: code=` makes from the spec alone
        self.own_errors = DocumentedErrors(op, self.examples.values())  # "Folder not found"

    def answer(self, request: Request, now: float) -> Answer:
        entry = self.entry(request, now, self.resource_id(request))
        answer = self.validate(request, entry)
        rid = entry["id"]
        if answer is None and rid is None and self.id_param is None:
            answer = self.unnamed(now, request.base)
        if answer is None and rid is None:
            answer = self.error("invalid_parameter", "missing resource id")
        if answer is None and self.collected and not self.owned(request, rid):
            answer = self.error("not_found", f"'{rid}' was deleted, or is another API key's")
        if answer is None:
            answer = self.on_timeline(request, rid, now, entry)
        return self.done(answer, entry)

    def owned(self, request: Request, rid: str) -> bool:
        """Whether the caller may see this job: not deleted, and, if a create call made it, made with
        the caller's own API key (ids of the client's choosing, never created, are anyone's)."""
        store = self.fake.store
        if store.buried((self.op.name, rid)):
            return False
        found = store.find_record(rid)
        return found is None or found[0][1] == request.headers.get(self.op.profile.auth_header, "")

    def unnamed(self, now: float, base: str) -> Answer | None:
        """A call that names no resource and plays no role (a GET without an id in a spec of your own):
        its first documented 200 answer, with a fresh id wherever the example carries one."""
        first = next((ex for ex in self.examples.values() if ex.status_code == 200), None)
        return None if first is None else self.example(first, self.fake.store.mint_id(), now, now, base)

    # --- the journal ------------------------------------------------------------------------
    def entry(self, request: Request, now: float, rid: str | None) -> dict[str, Any]:
        """The journal entry this request will leave, filled in on the way."""
        return {
            "time": now,
            "method": request.method,
            "path": request.path,
            "query": request.query_string,
            "operation": self.op.name,
            "id": rid,
            "scenario": None,
            "step": None,
            "status": None,
            "fault": None,
            "delay": 0.0,
            "example": None,
            "violations": 0,
        }

    def done(self, answer: Answer, entry: dict[str, Any]) -> Answer:
        """Journal the answer; what the server sends carries the same scenario, step and example."""
        entry["status"] = answer.status
        entry["error"] = answer.error
        entry["fault"] = answer.fault
        entry["example"] = answer.example
        if answer.delay:
            entry["delay"] = round(answer.delay, 6)
        if answer.headers and "x-mock-seed" in answer.headers:  # a fuzz draw: the seed replays it
            entry["seed"] = answer.headers["x-mock-seed"]
        answer.scenario = entry["scenario"]
        answer.step = entry["step"]
        self.fake.store.record(entry)
        return answer

    def record(self, violations: list[Violation], entry: dict[str, Any]) -> None:
        """Journal what the request broke, with the id and route it came on."""
        where = {"id": entry["id"], "method": entry["method"], "path": entry["path"]}
        for v in violations:
            self.fake.store.record_violation(v.as_dict() | where)
        entry["violations"] += len(violations)

    # --- validate ---------------------------------------------------------------------------
    def resource_id(self, request: Request) -> str | None:
        p = self.id_param
        if p is None:
            return None
        source = request.path_params if p.location == "path" else request.query
        return source.get(p.name) or None

    def validate(self, request: Request, entry: dict[str, Any]) -> Answer | None:
        """None when the request may go on; else the vendor's refusal."""
        violations = self.validator.check(request.path_params, request.query, request.headers)
        if not violations:
            return None
        self.record(violations, entry)
        kinds = {v.kind for v in violations}
        if "auth" in kinds:
            return self.error("unauthorized")
        if "missing" in kinds:
            missing = [v.message for v in violations if v.kind == "missing"]
            return self.error("invalid_parameter", "; ".join(missing))
        # a supplement's operation (op.resource) is served as its vendor serves it: a parameter that
        # breaks its documented schema is refused (HeyGen v3 names it in `param`), not only with --strict
        if self.fake.options.strict or self.op.resource is not None:
            return self.error("invalid_parameter", "; ".join(v.message for v in violations))
        return None

    def checked_body(self, raw: bytes | None, entry: dict[str, Any]) -> tuple[Answer | None, Any]:
        """The parsed JSON body, or the vendor's refusal of it (too big, or against the spec)."""
        if raw is None:
            return self.error("invalid_parameter", "request body over the size limit"), None
        violations, body = self.validator.check_body(raw)
        self.record(violations, entry)
        refused = [v for v in violations if v.kind != TOLERATED]  # a tolerated one, even with --strict:
        if refused:  # the vendors refuse a bad body, and accept a null optional field
            return self.error("invalid_parameter", "; ".join(v.message for v in refused)), None
        return None, body

    def preferred(self, request: Request, now: float, entry: dict[str, Any]) -> Answer | None:
        """A call that keeps no timeline (a create, the webhook registry) still answers `Prefer`,
        once, changing nothing: no job starts, no endpoint is kept."""
        asked = parse_prefer(request.headers["prefer"]) if "prefer" in request.headers else {}
        if "example" not in asked and "code" not in asked:
            return None
        rid = entry["id"] or self.fake.store.mint_id()
        return choose(self, asked, rid, now, now, request.base)

    # --- timeline ---------------------------------------------------------------------------
    def on_timeline(self, request: Request, rid: str, now: float, entry: dict[str, Any]) -> Answer:
        fake, op = self.fake, self.op
        header = request.headers.get("x-mock-scenario")
        key = (op.name, rid)
        try:
            if header:  # checked on every request, so a typo is never silently ignored
                fake.selection.named(op, header)
            prefer = parse_prefer(request.headers["prefer"]) if "prefer" in request.headers else {}
            looking = request.method == "HEAD"
            if "example" in prefer or "code" in prefer:
                timeline = self.look(key, now, header) if looking else self.begin(key, now, header)
                entry["scenario"] = timeline.scenario.name
                return choose(self, prefer, rid, timeline.first_seen, now, request.base)
            if looking:  # a HEAD answers as a GET would, taking no poll and starting no timeline
                timeline = self.look(key, now, header)
                taken = (timeline, *timeline.peek(now))
            else:
                taken = fake.store.take(key, now)
                if taken is None:
                    self.begin(key, now, header)
                    taken = fake.store.take(key, now)
                    assert taken is not None
        except UnknownScenario as exc:
            return self.unknown_scenario(exc, exc.valid)
        timeline, index, step = taken
        entry["scenario"] = timeline.scenario.name
        entry["step"] = index
        if self.watched and not looking:
            fake.endings.polled(key, now)
        # a finished job's updated_at is when it finished, not this poll
        ended = timeline.step_started if self.outcome(step) in TERMINAL else None
        created, polls = timeline.first_seen, timeline.polls
        if step.delay is None:
            return self.step(step, rid, created, now, request.base, polls, request.headers, ended)
        delay = step.delay.draw(fake.rng)
        sent = now if fake.clock.virtual else now + delay  # a virtual clock records a delay, never sleeps it
        answer = self.step(step, rid, created, sent, request.base, polls, request.headers, ended)
        answer.delay = delay
        return answer

    def begin(self, key: tuple[str, str], now: float, header: str | None) -> Timeline:
        """The id's timeline, started on its scenario if it has none yet."""
        return self.fake.store.start(key, self.fake.selection.for_id(self.op, key[1], header), now)

    def look(self, key: tuple[str, str], now: float, header: str | None) -> Timeline:
        """The id's timeline, or the one a first poll would start (not stored): what a HEAD sees."""
        found = self.fake.store.timeline(key)
        if found is not None:
            return found
        scenario = self.fake.selection.for_id(self.op, key[1], header)
        return Timeline(key[0], key[1], scenario, first_seen=now, step_started=now)

    def unknown_scenario(self, exc: UnknownScenario, valid: list[str]) -> Answer:
        return Answer(
            400,
            {"error": f"unknown scenario '{exc.name}' for {self.op.name}", "valid_scenarios": valid},
            error="unknown-scenario",
        )

    # --- render -----------------------------------------------------------------------------
    def step(
        self,
        step: Step,
        rid: str,
        created: float,
        now: float,
        base: str,
        polls: int = 0,
        headers: dict[str, str] | None = None,
        ended: float | None = None,
    ) -> Answer:
        """The answer a step gives; every body goes through the one renderer. `ended`: when the job
        this step finishes ended, so its `updated_at` stays put however often it is polled."""
        if step.kind == "example":
            return self.example(self.examples[step.value], rid, created, now, base, step.headers, ended)
        if step.kind == "outcome":
            return self.example(self.outcome_example(step), rid, created, now, base, step.headers, ended)
        if step.kind == "error":
            answer = self.error(step.value)
            answer.headers.update(step.headers)
            return answer
        if step.kind == "status":
            return self.fresh(int(step.value), step.body, rid, created, now, base, dict(step.headers), ended)
        if step.kind == "fuzz":
            seed = (headers or {}).get("x-mock-seed") or str(self.fake.options.seed or 0)
            rnd = random.Random(f"{seed}:{rid}:{polls}")
            status, body = vendor_variant(self.fake.catalog, self.op, rnd)
            return self.fresh(status, body, rid, created, now, base, {"x-mock-seed": seed})
        # fault: the would-be body is the success one, so a truncated body looks real
        success = self.fake.catalog.by_class(self.op, "success") or list(self.examples.values())
        body = success[0].body if success else {}
        answer = self.fresh(200, body, rid, created, now, base, dict(step.headers))
        answer.fault = str(step.value)
        return answer

    def outcome_example(self, step: Step) -> Example:
        ranked = self.fake.catalog.by_class(self.op, step.value)
        return ranked[-1] if step.value == "progress" else ranked[0]

    def example(
        self,
        example: Example,
        rid: str,
        created: float,
        now: float,
        base: str,
        headers: dict[str, str] | None = None,
        ended: float | None = None,
    ) -> Answer:
        template = self.templates[example.name]
        key = template.key(rid, created, now, base, ended)
        assert key is not None
        rendered = self.fake.rendered
        payload = rendered.get(key)
        if payload is None:
            link = self.fake.linker(base, self.op.profile, rid, now) if template.has_media else None
            payload = rendered.put(key, template.render(rid, created, now, link, ended))
        extra = dict(headers) if headers else {}
        if example.derived:
            extra["x-mock-derived"] = "true"
        return Answer(example.status_code, None, extra, None, None, payload, 0.0, None, None, example.name)

    def fresh(
        self,
        status: int,
        body: Any,
        rid: str,
        created: float,
        now: float,
        base: str,
        headers: dict[str, str],
        ended: float | None = None,
    ) -> Answer:
        """A body made for this request (status, fuzz, fault), rendered like an example."""
        template = Template(None, body, self.op.profile, self.media)
        link = self.fake.linker(base, self.op.profile, rid, now) if template.has_media else None
        return Answer(status, None, headers, payload=template.render(rid, created, now, link, ended))

    def error(self, name: str, detail: str = "", values: dict[str, Any] | None = None) -> Answer:
        err = self.op.profile.errors[name]
        status = err.status_for(self.fake.options.http_errors)
        headers = dict(err.headers)
        own = self.own_errors.example(name, status)
        if own is not None and not has_holes(err.body):  # documented for this very call, in
            return Answer(status, own.body, headers, error=name)  # fixed words: its example, as written
        if err.inferred_on(self.op.name):  # the vendor documents no such answer here
            headers["x-mock-inferred"] = "true"
        return Answer(status, err.render(detail, values), headers, error=name)

    # --- endings ----------------------------------------------------------------------------
    def outcome(self, step: Step) -> str | None:
        """'success' or 'failure' when serving this step ends a job; cached on the step."""
        if self.op.name in step.ends:
            return step.ends[self.op.name]
        word: str | None = None
        if step.kind in ("example", "outcome", "status"):
            status = int(step.value) if step.kind == "status" else self.step_example(step).status_code
            if status == 200:
                body = (
                    step.body if step.kind == "status" else self.step_example(step).body
                )  # the word, unrendered
                cls = self.op.profile.status_class(lookup(body, self.op.profile.status_field))
                word = cls if cls in TERMINAL else None
        step.ends[self.op.name] = word
        return word

    def step_example(self, step: Step) -> Example:
        return self.examples[step.value] if step.kind == "example" else self.outcome_example(step)

    def step_value(self, step: Step, rid: str, created: float, now: float, base: str | None) -> Any:
        """The body a step serves, as a value (for a webhook payload), media links included."""
        body = step.body if step.kind == "status" else self.step_example(step).body
        template = Template(None, body, self.op.profile, self.media)
        link = (
            self.fake.linker(base, self.op.profile, rid, now)
            if base is not None and template.has_media
            else None
        )
        return template.value(rid, created, now, link)
