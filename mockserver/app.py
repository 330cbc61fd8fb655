"""The Starlette app: vendor routes, the admin API, and JSON for everything else.

A vendor request goes in one straight line: route -> validate -> timeline -> render.
"""

from __future__ import annotations

import json
import math
import random
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette._utils import get_route_path  # what Route.matches uses: fixed and patterned paths agree
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Match, Mount, Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from . import admin, media
from .catalog import Catalog
from .examples import Example
from .faults import send_fault
from .profiles import CreateCall
from .render import Template, dump, personalize
from .scenarios import Step
from .specs import Operation
from .state import MockState, Options, UnknownScenario
from .validation import Violation
from .variants import vendor_variant
from .webhooks import Dispatcher, Job, lookup

JSON = (b"content-type", b"application/json")


def parse_prefer(value: str) -> dict[str, str]:
    """Prism's `Prefer: code=404, example=Failed` header, as a dict."""
    out: dict[str, str] = {}
    for part in value.replace(";", ",").split(","):
        key, sep, val = part.partition("=")
        if sep:
            out[key.strip().lower()] = val.strip().strip('"')
    return out


class Answer:
    """What one request is answered with, before it becomes bytes."""

    __slots__ = ("status", "body", "headers", "fault", "example", "error", "payload")

    def __init__(
        self,
        status: int,
        body: Any,
        headers: dict[str, str] | None = None,
        fault: str | None = None,
        example: Example | None = None,
        error: str | None = None,
        payload: bytes | None = None,
    ) -> None:
        self.payload = payload
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.fault = fault
        self.example = example
        self.error = error


class OperationEndpoint:
    """The ASGI endpoint of one vendor operation."""

    def __init__(self, op: Operation, mock: MockState) -> None:
        self.op = op
        self.mock = mock
        self.validator = mock.validators[op.name]
        self.examples = mock.catalog.examples[op.name]
        media = not mock.options.vendor_urls
        self.templates = {
            name: Template(f"{op.name}/{name}", ex.body, op.profile, media)
            for name, ex in self.examples.items()
        }
        self.heads: dict[tuple[str | None, int | None, str | None], list[tuple[bytes, bytes]]] = {}
        self.id_param = op.id_parameter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        mock = self.mock
        now = mock.clock.now()
        query, headers = read_request(scope)
        rid = self._resource_id(scope, query)
        entry = self._entry(scope, now, rid)
        answer = self._validate(scope["path_params"], query, headers, rid, entry)
        if answer is None and rid is None:
            answer = self._error("invalid_parameter", "missing resource id")
        if answer is None and rid is not None:
            answer = await self._answer(headers, rid, now, entry, base_url(scope, headers))
        assert answer is not None
        await self._send(answer, scope, send, entry)

    def _entry(self, scope: Scope, now: float, rid: str | None) -> dict[str, Any]:
        """The journal entry this request will leave, filled in on the way."""
        return {
            "time": now,
            "method": scope["method"],
            "path": scope["path"],
            "query": scope["query_string"].decode("latin-1"),
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

    def _record(self, violations: list[Violation], entry: dict[str, Any]) -> None:
        """Journal what the request broke, with the id and route it came on."""
        where = {"id": entry["id"], "method": entry["method"], "path": entry["path"]}
        for v in violations:
            self.mock.violations.record(v.as_dict() | where)
        entry["violations"] += len(violations)

    def _checked_body(self, raw: bytes | None, entry: dict[str, Any]) -> tuple[Answer | None, Any]:
        """The parsed JSON body, or the vendor's refusal of it (too big, or against the spec)."""
        if raw is None:
            return self._error("invalid_parameter", f"request body over {MAX_BODY} bytes"), None
        violations, body = self.validator.check_body(raw)
        self._record(violations, entry)
        if violations:  # the vendors refuse a bad body
            return self._error("invalid_parameter", "; ".join(v.message for v in violations)), None
        return None, body

    def _resource_id(self, scope: Scope, query: Any) -> str | None:
        p = self.id_param
        if p is None:
            return None
        value = scope["path_params"].get(p.name) if p.location == "path" else query.get(p.name)
        return value or None

    # --- validate ---------------------------------------------------------------------------
    def _validate(
        self, path_params: Any, query: Any, headers: Any, rid: str | None, entry: dict[str, Any]
    ) -> Answer | None:
        mock = self.mock
        violations = self.validator.check(path_params, query, headers)
        if not violations:
            return None
        self._record(violations, entry)
        kinds = {v.kind for v in violations}
        if "auth" in kinds:
            return self._error("unauthorized")
        if "missing" in kinds:
            missing = [v.message for v in violations if v.kind == "missing"]
            return self._error("invalid_parameter", "; ".join(missing))
        if violations and mock.options.strict:
            return self._error("invalid_parameter", "; ".join(v.message for v in violations))
        return None

    # --- timeline ---------------------------------------------------------------------------
    async def _answer(self, headers: Any, rid: str, now: float, entry: dict[str, Any], base: str) -> Answer:
        mock, op = self.mock, self.op
        header = headers.get("x-mock-scenario")
        try:
            if header:  # checked on every request, so a typo is never silently ignored
                mock.choose(op, rid, header)
            prefer = parse_prefer(headers["prefer"]) if "prefer" in headers else {}
            if "example" in prefer or "code" in prefer:
                timeline = mock.timelines.touch(
                    mock.family(op), rid, lambda: mock.choose(op, rid, header), now
                )
                entry["scenario"] = timeline.scenario.name
                return self._prefer(prefer, rid, timeline.first_seen, now, base)
            timeline, index, step = mock.timelines.poll(
                mock.family(op), rid, lambda: mock.choose(op, rid, header), now
            )
        except UnknownScenario as exc:
            return Answer(
                400,
                {"error": f"unknown scenario '{exc.name}' for {op.name}", "valid_scenarios": exc.valid},
                error="unknown-scenario",
            )
        entry["scenario"] = timeline.scenario.name
        entry["step"] = index
        if step.delay is not None:
            delay = step.delay.draw(mock.rng)
            entry["delay"] = round(delay, 6)
            await mock.clock.sleep(delay)
        if step.kind == "fuzz":
            seed = headers.get("x-mock-seed") or str(mock.options.seed or 0)
            entry["seed"] = seed
            status, body = vendor_variant(mock.catalog, op, random.Random(f"{seed}:{rid}:{timeline.polls}"))
            body = personalize(body, op.profile, rid, timeline.first_seen, mock.clock.now())
            return Answer(status, body, {"x-mock-seed": seed})
        return self._step(step, rid, timeline.first_seen, mock.clock.now(), base)

    def _prefer(self, prefer: dict[str, str], rid: str, created: float, now: float, base: str) -> Answer:
        if "example" in prefer:
            example = self.examples.get(prefer["example"])
            if example is None:
                return Answer(
                    400,
                    {
                        "error": f"unknown example '{prefer['example']}' for {self.op.name}",
                        "valid_examples": list(self.examples),
                    },
                    error="unknown-example",
                )
            return self._example(example, rid, created, now, base)
        code = prefer["code"]
        matching = [e for e in self.examples.values() if str(e.status_code) == code]
        success = self.mock.catalog.by_class(self.op, "success")
        for example in [e for e in success if e in matching] + matching:
            return self._example(example, rid, created, now, base)
        err = (
            self.op.profile.error_for_status(int(code), self.mock.options.http_errors)
            if code.isdigit()
            else None
        )
        if err is not None:
            return self._error(err.name)
        valid = sorted(
            {str(e.status_code) for e in self.examples.values()}
            | {str(e.status_for(self.mock.options.http_errors)) for e in self.op.profile.errors.values()}
        )
        return Answer(
            400,
            {"error": f"no response with code '{code}' for {self.op.name}", "valid_codes": valid},
            error="unknown-code",
        )

    # --- render -----------------------------------------------------------------------------
    def _step(self, step: Step, rid: str, created: float, now: float, base: str) -> Answer:
        catalog = self.mock.catalog
        if step.kind == "example":
            return self._example(self.examples[step.value], rid, created, now, base, step.headers)
        if step.kind == "outcome":
            ranked = catalog.by_class(self.op, step.value)
            chosen = ranked[-1] if step.value == "progress" else ranked[0]
            return self._example(chosen, rid, created, now, base, step.headers)
        if step.kind == "error":
            answer = self._error(step.value)
            answer.headers.update(step.headers)
            return answer
        if step.kind == "status":
            body = personalize(step.body, self.op.profile, rid, created, now)
            return Answer(int(step.value), body, dict(step.headers))
        # fault: the would-be body is the success one, so a truncated body looks real
        success = catalog.by_class(self.op, "success") or list(self.examples.values())
        body = personalize(success[0].body, self.op.profile, rid, created, now) if success else {}
        return Answer(200, body, dict(step.headers), fault=str(step.value))

    def _example(
        self,
        example: Example,
        rid: str,
        created: float,
        now: float,
        base: str,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        template = self.templates[example.name]
        key = template.key(rid, created, now, base)
        payload = self.mock.rendered.get(key)
        if payload is None:
            link = None
            if template.has_media:
                link = self.mock.media.linker(base, self.op.profile.vendor, rid, now)
            payload = self.mock.rendered.put(key, template.render(rid, created, now, link))
        extra = dict(headers) if headers else {}
        if example.derived:
            extra["x-mock-derived"] = "true"
        return Answer(example.status_code, None, extra, example=example, payload=payload)

    def _error(self, name: str, detail: str = "") -> Answer:
        err = self.op.profile.errors[name]
        return Answer(
            err.status_for(self.mock.options.http_errors), err.render(detail), dict(err.headers), error=name
        )

    def ended(self, job: Job, now: float) -> tuple[str | None, Any] | None:
        """How a watched job stands: None once its timeline is gone; ('success' | 'failure', body) at its end."""
        found = self.mock.timelines.peek(job.family, job.rid, now)
        if found is None:
            return None
        timeline, index, step = found
        if index == job.checked or step.kind not in ("example", "outcome", "status"):
            return (None, None)
        job.checked = index
        answer = self._step(step, job.rid, timeline.first_seen, now, job.base)
        body = json.loads(answer.payload) if answer.payload is not None else answer.body
        word = lookup(body, self.op.profile.status_field)
        outcome = self.op.profile.status_class(word) if answer.status == 200 else None
        return (outcome if outcome in ("success", "failure") else None, body)

    def _head(self, scenario: str | None, step: int | None, example: str | None) -> list[tuple[bytes, bytes]]:
        """The x-mock-* headers, encoded once per (scenario, step, example) rather than per response."""
        key = (scenario, step, example)
        head = self.heads.get(key)
        if head is None:
            head = [JSON, (b"x-mock-operation", self.op.name.encode())]
            if scenario:
                head.append((b"x-mock-scenario", scenario.encode()))
            if step is not None:
                head.append((b"x-mock-step", str(step).encode()))
            if example is not None:
                head.append((b"x-mock-example", example.encode()))
            if len(self.heads) < 4096:  # bounded even with endless scenario names from the admin API
                self.heads[key] = head
        return head

    async def _send(self, answer: Answer, scope: Scope, send: Send, entry: dict[str, Any]) -> None:
        if answer.example is not None:
            entry["example"] = answer.example.name
        headers = self._head(entry["scenario"], entry["step"], entry["example"]).copy()
        if answer.headers:
            headers += [(k.lower().encode(), v.encode()) for k, v in answer.headers.items()]
        payload = answer.payload if answer.payload is not None else dump(answer.body)
        entry["status"] = answer.status
        entry["error"] = answer.error
        entry["fault"] = answer.fault
        self.mock.journal.record(entry)
        if answer.fault:
            await send_fault(answer.fault, send, payload, headers)
            return
        headers.append((b"content-length", str(len(payload)).encode()))
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


MAX_BODY = 1024 * 1024


def base_url(scope: Scope, headers: dict[str, str]) -> str:
    """The fake's own address as this client reached it: where its media links must point."""
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}"


def read_request(scope: Scope) -> tuple[dict[str, str], dict[str, str]]:
    """Query and headers as plain dicts, last value wins: cheaper than Starlette's Request for a look."""
    raw = scope["query_string"]
    if b"%" in raw or b"+" in raw:
        query = dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))
    else:  # nothing to unquote (`video_id=abc`): three times quicker than parse_qsl
        query = {}
        for part in raw.decode("latin-1").split("&"):
            if part:
                name, _, value = part.partition("=")
                query[name] = value
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
    return query, headers


async def read_body(receive: Receive) -> bytes | None:
    """The request body, or None when it is over MAX_BODY."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


class CreateEndpoint(OperationEndpoint):
    """A create call: check the body, mint the id, and start the status operation's timeline now."""

    def __init__(self, op: Operation, mock: MockState, call: CreateCall, status: OperationEndpoint) -> None:
        super().__init__(op, mock)
        self.call = call
        self.status = status
        self.created = next(ex for ex in self.examples.values() if ex.status_code == 200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        mock = self.mock
        now = mock.clock.now()
        query, headers = read_request(scope)
        raw = await read_body(receive)
        entry = self._entry(scope, now, None)
        base = base_url(scope, headers)
        answer = self._validate(scope["path_params"], query, headers, None, entry)
        if answer is None:
            answer = self._own_step(headers, now, base, entry)
        if answer is None:
            answer, body = self._checked_body(raw, entry)
        if answer is None:
            answer = self._create(body, headers, now, entry, base)
        await self._send(answer, scope, send, entry)

    def _own_step(
        self, headers: dict[str, str], now: float, base: str, entry: dict[str, Any]
    ) -> Answer | None:
        """The create call's own scenario, keyed by API key: its limit, then its step. None: go on and create."""
        mock = self.mock
        key = headers.get(self.op.profile.auth_header, "")
        scenario = mock.choose_call(self.op, key, headers.get("x-mock-scenario"))
        if scenario is None:
            return None
        entry["call_scenario"] = scenario.name
        if scenario.limit is not None:
            wait = mock.windows.wait((scenario.name, key), scenario.limit, now)
            if wait > 0:
                answer = self._error("rate_limited")
                answer.headers["Retry-After"] = str(max(1, math.ceil(wait)))
                return answer
        family = mock.family(self.op)
        current = mock.timelines.get(family, key)
        if current is not None and current.scenario is not scenario:
            mock.timelines.reset_key(family, key)  # this call asks for another scenario: it starts afresh
        _, index, step = mock.timelines.poll(family, key, lambda: scenario, now)
        entry["call_step"] = index
        if step.kind == "example" and self.examples[step.value].status_code == 200:
            return None
        return self._step(step, key, now, now, base)

    def _create(
        self, body: Any, headers: dict[str, str], now: float, entry: dict[str, Any], base: str
    ) -> Answer:
        mock, call, status_op = self.mock, self.call, self.status.op
        fields = body if isinstance(body, dict) else {}
        rid = str(fields.get(call.id_from_body)) if call.id_from_body else uuid.uuid4().hex
        names = [str(fields[f]) for f in call.name_fields if isinstance(fields.get(f), str)]
        header = headers.get("x-mock-scenario")
        if header and header == entry.get("call_scenario"):
            header = None  # it named the create call's own scenario (a limit), not the job's
        try:
            scenario = mock.choose_at_create(status_op, rid, header, names)
        except UnknownScenario as exc:
            return Answer(
                400,
                {
                    "error": f"unknown scenario '{exc.name}' for {status_op.name}",
                    "valid_scenarios": exc.valid + mock.for_operation(self.op),
                },
                error="unknown-scenario",
            )
        family = mock.family(status_op)
        mock.timelines.reset_key(family, rid)  # a job created again starts again
        mock.timelines.touch(family, rid, lambda: scenario, now)
        if call.events:
            mock.webhooks.watch(Job(family, rid, status_op.profile, call, fields, base, self.status.ended))
        entry["id"] = rid
        entry["scenario"] = scenario.name
        return self._example(self.created, rid, now, now, base)


class WebhookEndpoint(OperationEndpoint):
    """The vendor's webhook endpoint registry (add, list, delete), answered in the spec's envelope."""

    def __init__(self, op: Operation, mock: MockState, role: str) -> None:
        super().__init__(op, mock)
        self.role = role
        hooks = op.profile.webhooks
        assert hooks is not None
        self.hooks = hooks
        self.answer = next(ex for ex in self.examples.values() if ex.status_code == 200).body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        now = self.mock.clock.now()
        query, headers = read_request(scope)
        raw = await read_body(receive)
        rid = self._resource_id(scope, query)
        entry = self._entry(scope, now, rid)
        answer = self._validate(scope["path_params"], query, headers, rid, entry)
        if answer is None:
            answer = self._registry(raw, rid, now, entry)
        await self._send(answer, scope, send, entry)

    def _registry(self, raw: bytes | None, rid: str | None, now: float, entry: dict[str, Any]) -> Answer:
        registry, vendor = self.mock.webhooks, self.op.profile.vendor
        body = dict(self.answer) if isinstance(self.answer, dict) else {}
        if self.role == "list":
            body["data"] = [e.record(self.hooks) for e in registry.listing(vendor)]
        elif self.role == "delete":
            if rid is None or not registry.remove(vendor, rid):
                return self._error("not_found", f"no webhook endpoint '{rid}'")
        else:
            refused, fields = self._checked_body(raw, entry)
            if refused is not None:
                return refused
            if len(registry.listing(vendor)) >= self.hooks.max_endpoints:
                return self._error(
                    "invalid_parameter", f"at most {self.hooks.max_endpoints} webhook endpoints"
                )
            events = [str(e) for e in fields.get("events") or []]
            endpoint = registry.add(vendor, str(fields["url"]), events, now)
            entry["id"] = endpoint.endpoint_id
            body["data"] = endpoint.record(self.hooks)
        return Answer(200, body)


class MockApp(Starlette):
    """Starlette, with the vendor routes dispatched before its middleware and router.

    Most vendor paths are fixed (`/v1/video_status.get`): one dict lookup finds them, where the
    router tried the admin, media and every vendor pattern in turn; the rest are matched against
    the vendor patterns only. Skipping Starlette's two exception layers saves a third of a
    poll's time, and hands the endpoint uvicorn's own `send`, which connection faults need.
    (Keeping that `send` in the scope instead tied each request's objects into a reference
    cycle, left for the garbage collector: 6 to 10 µs a request and a pause every few hundred.)
    Another method (405), the admin API, media and unknown paths go through Starlette. An
    endpoint that raises is a bug in the fake: uvicorn logs it and answers 500.
    """

    def __init__(self, vendor: list[Route], routes: list[BaseRoute], **kwargs: Any) -> None:
        super().__init__(routes=routes + vendor, **kwargs)
        self.exact: dict[tuple[str, str], ASGIApp] = {}
        self.patterned = [route for route in vendor if "{" in route.path]
        for route in vendor:
            if "{" not in route.path:
                for method in route.methods or ():
                    self.exact.setdefault((method, route.path), route.app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            endpoint = self.exact.get((scope["method"], get_route_path(scope)))
            if endpoint is not None:
                scope["path_params"] = {}
            else:
                endpoint = self._match(scope)
            if endpoint is not None:
                scope["app"] = self
                await endpoint(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    def _match(self, scope: Scope) -> ASGIApp | None:
        for route in self.patterned:
            match, child = route.matches(scope)
            if match is Match.FULL:
                scope.update(child)
                return route.app
        return None


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    status = getattr(exc, "status_code", 404)
    if status == 405:
        return JSONResponse(
            {"error": f"method {request.method} not allowed on {request.url.path}"}, status_code=405
        )
    return JSONResponse(
        {"error": f"no route {request.method} {request.url.path}", "hint": "GET /__mock/routes lists them"},
        status_code=status,
    )


def vendor_routes(mock: MockState) -> list[Route]:
    """One endpoint per operation: a create call, a webhook registry call, or a served operation."""
    ops = mock.catalog.operations
    plain = {name: OperationEndpoint(op, mock) for name, op in ops.items()}
    routes: list[Route] = []
    for op in ops.values():
        call = op.profile.creates.get(op.name)
        role = op.profile.webhooks.role(op.name) if op.profile.webhooks else None
        endpoint: OperationEndpoint = plain[op.name]
        if call is not None:
            endpoint = CreateEndpoint(op, mock, call, plain[call.status])
        elif role is not None:
            endpoint = WebhookEndpoint(op, mock, role)
        routes.append(Route(op.path, endpoint, methods=[op.method.upper()], name=op.name))
    return routes


def create_app(
    specs_dir: str | Path | None = None,
    scenarios_dir: str | Path | None | bool = True,
    *,
    catalog: Catalog | None = None,
    **options: Any,
) -> Starlette:
    """Build the fake: load specs and scenarios fully, then route. Raises ConfigError on bad input.

    `scenarios_dir=True` means the shipped library; None or False means no scenario files.
    Other keyword arguments are the fields of `Options` (clock, strict, http_errors, ...).
    """
    opts = Options(**options)
    if specs_dir is not None:
        opts.specs_dir = Path(specs_dir)
    if scenarios_dir is None or scenarios_dir is False:
        opts.scenarios_dir = None
    elif scenarios_dir is not True:
        opts.scenarios_dir = Path(scenarios_dir)
    if opts.api_keys is not None:
        opts.api_keys = frozenset(opts.api_keys)
    mock = MockState(opts, catalog)
    dispatcher = Dispatcher(mock.webhooks, mock.clock)
    app = MockApp(
        vendor_routes(mock),
        [Mount("/__mock", app=admin.AdminGuard(Router(admin.routes()), opts.admin_token)), *media.routes()],
        exception_handlers={HTTPException: _not_found},
        lifespan=lambda app: dispatcher.running(),
    )
    app.state.mock = mock
    app.state.started = time.time()
    return app
