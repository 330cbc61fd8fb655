"""The admin API under `/__mock/`: JSON in and out, mounted before any vendor route.

It resets state, lists scenarios, binds ids, shows timelines, moves the virtual clock, reads
and sets API keys' credit, and serves the request journal, the violations and the effective spec.
"""

from __future__ import annotations

import hmac
import json
import math
import re
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..engine.fake import Fake
from ..engine.json_body import BadJson, load_json
from ..engine.scenario_file import SCHEMA as SCENARIO_SCHEMA
from ..engine.scenario_file import ScenarioLoader, check_structure
from ..engine.selection import StillBound, UnknownScenario
from ..spec.account import is_amount
from ..spec.errors import ConfigError
from ..spec.openapi import Operation
from ..spec.reader import read_document
from ..spec.surface import source_of, state_kind
from .bodies import MAX_BODY, read_body
from .router import RawRoute


def _fake(request: Request) -> Fake:
    return request.app.state.fake


def _fail(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


async def _json_body(request: Request) -> dict[str, Any] | JSONResponse:
    """The body as a JSON object, read and parsed the one way vendor routes read theirs."""
    raw = await read_body(request.scope, request.receive)
    if raw is None:
        response = _fail(413, f"body over {MAX_BODY // 1024 // 1024} MiB; send at most {MAX_BODY} bytes")
        response.headers["connection"] = "close"  # the rest of it is left unread
        return response
    if not raw.strip():
        return {}
    try:
        data = load_json(raw)
    except BadJson as exc:
        return _fail(400, f"body is not valid JSON ({exc}). Fix: send one JSON object in UTF-8")
    if not isinstance(data, dict):
        return _fail(400, "body must be a JSON object. Fix: send {...} with the fields the admin spec names")
    return data


async def health(request: Request) -> JSONResponse:
    return JSONResponse(_fake(request).health())


async def openapi(request: Request) -> JSONResponse:
    """The effective (tolerant) spec; `?strict=1` the strict one, what a client may rely on."""
    raw = request.query_params.get("strict", "0")
    if raw not in ("0", "1"):
        return _fail(400, f"strict must be 1 (the strict spec) or 0 (the effective one) (got '{raw[:40]}')")
    catalog = _fake(request).catalog
    return JSONResponse(catalog.strict if raw == "1" else catalog.effective)


ADMIN_SPEC = Path(__file__).with_name("admin.openapi.yaml")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # never in a name: it is sent in the X-Mock-Scenario header


def admin_document() -> dict[str, Any]:
    """The admin spec, with a scenario body described by the scenario files' own JSON Schema
    (the one the admin API checks it with), less the name: the path gives that."""
    doc = read_document(ADMIN_SPEC)
    shipped = read_document(SCENARIO_SCHEMA) if SCENARIO_SCHEMA.is_file() else {"$defs": {}}
    text = json.dumps(shipped.get("$defs") or {}).replace('"#/$defs/', '"#/components/schemas/Scenario_')
    defs = json.loads(text)
    schemas = doc["components"]["schemas"]
    for name, schema in defs.items():
        schemas[f"Scenario_{name}"] = schema
    body = schemas.get("Scenario_scenario")
    if body is not None:
        body["required"] = [r for r in body.get("required", []) if r != "name"]
        body["properties"]["name"] = {"description": "Ignored: the path names the scenario."}
        schemas["Scenario"] = {"$ref": "#/components/schemas/Scenario_scenario"}
    return doc


async def admin_openapi(request: Request) -> JSONResponse:
    return JSONResponse(admin_document())


async def lint(request: Request) -> JSONResponse:
    return JSONResponse([f.as_dict() for f in _fake(request).catalog.findings])


async def list_routes(request: Request) -> JSONResponse:
    catalog = _fake(request).catalog
    return JSONResponse(
        [
            {
                "operation": op.name,
                "method": op.method.upper(),
                "path": op.path,  # as the vendor documents it
                "route": op.route,  # where the fake serves it at its root (a shared path: under the prefix)
                "prefixed": op.profile.prefix + op.path,  # always served there too
                "vendor": op.vendor,
                "kind": state_kind(op),  # the state it reads or writes (spec/surface.py)
                "source": source_of(op, catalog.specs_dir),
                "examples": list(catalog.examples[op.name]),
                "polled": op.polled,  # polls an id: where an id binding or a `*` scenario applies
            }
            for op in catalog.operations.values()
        ]
    )


async def scenarios(request: Request) -> JSONResponse:
    fake = _fake(request)
    wanted = request.query_params.get("operation")
    op = fake.catalog.find(wanted) if wanted else None
    if wanted and op is None:
        return _fail(404, f"unknown operation '{wanted}'", valid_operations=sorted(fake.catalog.operations))
    listed = [s for s in fake.store.scenarios() if op is None or fake.selection.accepts(op, s)]
    return JSONResponse([s.as_dict() for s in listed])


async def put_scenario(request: Request) -> JSONResponse:
    """Register a scenario at run time (JSON in the scenario file format), e.g. a drawn timeline."""
    fake = _fake(request)
    name = request.path_params["name"]
    if CONTROL.search(name):  # as a line break matches no route, so no other control character
        return _fail(404, f"no route: scenario name {name!r} has a control character")
    body = await _json_body(request)
    if isinstance(body, JSONResponse):
        return body
    body["name"] = name
    try:
        check_structure(body, "(admin API)")
    except ConfigError as exc:  # not a scenario at all: what the admin spec's schema refuses
        return _fail(400, exc.line())
    try:
        scenario = ScenarioLoader(fake.catalog).parse(body, "(admin API)")
    except ConfigError as exc:  # well formed, but it does not fit this catalog (names, timing, regexes)
        return _fail(422, exc.line())
    try:
        fake.selection.add(scenario)
    except StillBound as exc:  # its bound ids would silently fall back to their defaults
        return _fail(409, str(exc), bindings=[{"family": f, "id": i} for f, i in exc.bound])
    return JSONResponse(scenario.as_dict())


async def reset(request: Request) -> JSONResponse:
    body = await _json_body(request)
    if isinstance(body, JSONResponse):
        return body
    rid = body.get("id")
    if rid is not None and not isinstance(rid, str):
        return _fail(400, "'id' must be a string, or null for everything")
    return JSONResponse({"reset": _fake(request).reset(rid)})


def _operation(request: Request) -> tuple[Fake, Operation, str] | JSONResponse:
    """The fake, the operation named in the path (name, operationId or 'GET /path'), and the id."""
    fake = _fake(request)
    ref, rid = request.path_params["operation"], request.path_params["id"]
    op = fake.catalog.find(ref)
    if op is None:
        return _fail(404, f"unknown operation '{ref}'", valid_operations=sorted(fake.catalog.operations))
    return fake, op, rid


async def binding(request: Request) -> JSONResponse:
    found = _operation(request)
    if isinstance(found, JSONResponse):
        return found
    fake, op, rid = found
    key = (op.name, rid)
    if request.method == "DELETE":
        return JSONResponse({"deleted": fake.store.unbind(key)})
    if request.method == "GET":
        return JSONResponse({"operation": op.name, "id": rid, "scenario": fake.store.binding(key)})
    body = await _json_body(request)
    if isinstance(body, JSONResponse):
        return body
    name = body.get("scenario")
    if not isinstance(name, str):
        return _fail(400, 'body must be {"scenario": NAME}', valid_scenarios=fake.selection.usable(op))
    try:
        fake.selection.bind(op, rid, name)
    except UnknownScenario as exc:
        return _fail(400, f"unknown scenario '{exc.name}' for {op.name}", valid_scenarios=exc.valid)
    return JSONResponse({"operation": op.name, "id": rid, "scenario": name})


async def bindings(request: Request) -> JSONResponse:
    fake = _fake(request)
    return JSONResponse([{"family": f, "id": i, "scenario": s} for (f, i), s in fake.store.bindings()])


async def timeline(request: Request) -> JSONResponse:
    found = _operation(request)
    if isinstance(found, JSONResponse):
        return found
    fake, op, rid = found
    line = fake.store.timeline((op.name, rid))
    if line is None:
        return _fail(404, f"no timeline for {op.name} id '{rid}' yet (it starts at the first request)")
    return JSONResponse(line.as_dict(fake.clock.now()))


async def clock(request: Request) -> JSONResponse:
    fake = _fake(request)
    if request.method == "POST":
        body = await _json_body(request)
        if isinstance(body, JSONResponse):
            return body
        seconds = body.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not math.isfinite(seconds):
            return _fail(400, 'body must be {"seconds": N} with N a number')
        try:
            fake.clock.advance(float(seconds))
        except ValueError as exc:
            return _fail(409 if not fake.clock.virtual else 400, str(exc))
    return JSONResponse({"clock": "virtual" if fake.clock.virtual else "real", "now": fake.clock.now()})


MAX_LIMIT = 1_000_000_000  # the admin spec's `limit` maximum


def _limit(request: Request) -> int | None | JSONResponse:
    """`?limit=N`: a whole number from 1 to MAX_LIMIT, or absent for all (as the admin spec says)."""
    raw = request.query_params.get("limit")
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and 1 <= int(raw) <= MAX_LIMIT):
        return _fail(400, f"limit must be a whole number from 1 to {MAX_LIMIT} (got '{raw[:40]}')")
    return int(raw)


async def requests(request: Request) -> JSONResponse:
    q, limit = request.query_params, _limit(request)
    if isinstance(limit, JSONResponse):
        return limit
    return JSONResponse(_fake(request).store.requests(q.get("operation"), q.get("id"), limit))


async def violations(request: Request) -> JSONResponse:
    fake = _fake(request)
    if request.method == "DELETE":
        fake.store.clear_violations()
        return JSONResponse({"cleared": True})
    q, limit = request.query_params, _limit(request)
    if isinstance(limit, JSONResponse):
        return limit
    return JSONResponse(fake.store.violations(q.get("operation"), q.get("id"), limit))


async def webhooks(request: Request) -> JSONResponse:
    store = _fake(request).store
    job_id = request.query_params.get("job_id")
    return JSONResponse(
        {
            "endpoints": {
                vendor: [e.__dict__ for e in found] for vendor, found in store.all_endpoints().items()
            },
            "watching": [{"operation": f, "id": r} for f, r in store.job_keys()],
            "dropped": store.jobs_dropped,
            "deliveries": [d.as_dict() for d in store.deliveries(job_id)],
        }
    )


async def accounts(request: Request) -> JSONResponse:
    return JSONResponse(_fake(request).accounts_view())


async def account_credit(request: Request) -> JSONResponse:
    """One key's balance on an account: read it, or set it with {"credit": N}."""
    fake = _fake(request)
    account, key = request.path_params["account"], request.path_params["key"]
    if account not in fake.accounts.accounts:
        return _fail(404, f"unknown account '{account}'", valid_accounts=sorted(fake.accounts.accounts))
    if request.method == "PUT":
        body = await _json_body(request)
        if isinstance(body, JSONResponse):
            return body
        if set(body) != {"credit"} or not is_amount(body["credit"]):
            return _fail(400, 'body must be {"credit": N} with N a number from 0 to 1e12')
        fake.set_credit(account, key, body["credit"])
    return JSONResponse({"account": account, "key": key, "credit": fake.credit(account, key)})


class AdminGuard:
    """Requires `Authorization: Bearer TOKEN` on every admin call when a token is configured."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode() if token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.expected is not None and scope["type"] == "http":
            given = dict(scope["headers"]).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                response = _fail(401, "the admin API needs 'Authorization: Bearer <admin token>'")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def routes() -> list[Route]:
    return [
        Route("/health", health, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/admin/openapi.json", admin_openapi, methods=["GET"]),
        Route("/lint", lint, methods=["GET"]),
        Route("/routes", list_routes, methods=["GET"]),
        Route("/scenarios", scenarios, methods=["GET"]),
        RawRoute("/scenarios/{name}", put_scenario, methods=["PUT"]),
        Route("/reset", reset, methods=["POST"]),
        Route("/bindings", bindings, methods=["GET"]),
        RawRoute("/bindings/{operation}/{id:path}", binding, methods=["GET", "PUT", "DELETE"]),
        RawRoute("/timelines/{operation}/{id:path}", timeline, methods=["GET"]),
        Route("/clock", clock, methods=["GET"]),
        Route("/clock/advance", clock, methods=["POST"]),
        Route("/requests", requests, methods=["GET"]),
        Route("/violations", violations, methods=["GET", "DELETE"]),
        Route("/webhooks", webhooks, methods=["GET"]),
        Route("/accounts", accounts, methods=["GET"]),
        RawRoute("/accounts/{account}/{key:path}", account_credit, methods=["GET", "PUT"]),
    ]
