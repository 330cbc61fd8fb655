"""The app factory: the engine's `Fake` under Starlette, with the admin API and media routes.

A vendor request goes in one straight line: route -> parse -> engine (validate, timeline,
render) -> send. The fake is reached as `app.state.fake`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from ..engine.fake import Fake
from ..engine.options import Options
from ..spec.catalog import Catalog
from ..spec.openapi import ADMIN_PREFIX, Operation, route_shape
from . import admin, media
from .delivery import Dispatcher
from .endpoints import SharedRoute, VendorEndpoint
from .faults import drop, remember
from .router import RawRoute, VendorFirst, VendorRouter, route_path


class MockApp(Starlette):
    """Starlette, with the vendor router, and the connection noted for faults before middleware."""

    def __init__(self, fake: Fake) -> None:
        dispatcher = Dispatcher(fake)
        super().__init__(exception_handlers={HTTPException: _not_found})
        self.router = VendorRouter(
            vendor_routes(fake),
            [
                Mount(ADMIN_PREFIX, app=admin.AdminGuard(Router(admin.routes()), fake.options.admin_token)),
                *media.routes(),
            ],
            lifespan=lambda app: dispatcher.running(),
        )
        self.state.fake = fake

    def build_middleware_stack(self) -> ASGIApp:
        """Starlette's stack, with vendor routes answered below the user's middleware (`VendorFirst`)
        unless the user registered an exception handler that ExceptionMiddleware would apply."""
        if set(self.exception_handlers) - {HTTPException, 500, Exception}:
            return super().build_middleware_stack()
        self.user_middleware.append(Middleware(VendorFirst, router=self.router))
        try:
            return super().build_middleware_stack()
        finally:
            self.user_middleware.pop()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            remember(scope, send)
        try:
            await super().__call__(scope, receive, send)
        except asyncio.CancelledError:
            if not ended_quietly(scope):
                raise


def ended_quietly(scope: Scope) -> bool:
    """Whether a call cancelled at shutdown ended without a traceback: uvicorn cancels what still
    runs once its drain runs out (or on a second Ctrl-C), and logs each as a crash, answering 500.

    A request's connection is closed instead, as a server that goes away closes it; the lifespan
    has already left its context (the dispatcher stopped) on the way out. In process, where no
    connection can be closed, the cancellation goes on.
    """
    if scope["type"] == "lifespan":
        return True
    if scope["type"] != "http":
        return False
    try:
        drop(scope, reset=False)
    except ConnectionResetError:
        return False
    return True


def vendor_routes(fake: Fake) -> list[Route]:
    """Each operation at the root (`/v2/voices`) and under its vendor's prefix (`/joggai/v2/voices`).

    Two vendors may serve the same route (HeyGen's and JoggAI's `GET /v2/voices`): at the root such a
    route goes by the request's Host (a vendor host, as behind a proxy), else it says which prefixes to
    use; under a prefix it is always the vendor's own. Calls with a request body read it.
    """
    endpoints: dict[str, VendorEndpoint] = {}
    shared: dict[tuple[str, str], list[Operation]] = {}
    for op in fake.catalog.operations.values():
        endpoints[op.name] = VendorEndpoint(op.name, fake, reads_body="requestBody" in op.raw)
        shared.setdefault((op.method, route_shape(op.path)), []).append(op)
    routes: list[Route] = []
    for (method, _), ops in shared.items():
        at_root = endpoints[ops[0].name] if len(ops) == 1 else SharedRoute(ops, endpoints)
        routes.append(RawRoute(ops[0].path, at_root, methods=[method.upper()], name=ops[0].name))
    for op in fake.catalog.operations.values():
        path = op.profile.prefix + op.path
        routes.append(
            RawRoute(path, endpoints[op.name], methods=[op.method.upper()], name=f"{op.name} {path}")
        )
    return routes


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    status = getattr(exc, "status_code", 404)
    if status == 405:
        return JSONResponse(
            {"error": f"method {request.method} not allowed on {request.url.path}"},
            status_code=405,
            headers=_allow(request) or getattr(exc, "headers", None),
        )
    return JSONResponse(
        {"error": f"no route {request.method} {request.url.path}", "hint": "GET /__mock/routes lists them"},
        status_code=status,
    )


def create_app(
    specs_dir: str | Path | None = None,
    scenarios_dir: str | Path | None | bool = True,
    *,
    catalog: Catalog | None = None,
    **options: Any,
) -> MockApp:
    """Build the fake: load specs and scenarios fully, then route. Raises ConfigError on bad input.

    `scenarios_dir=True` means the shipped library; a folder adds its files to it (unless
    `shipped_scenarios=False`); None or False means no scenario files.
    Other keyword arguments are the fields of `Options` (clock, strict, http_errors, ...).
    """
    if specs_dir is not None:
        options["specs_dir"] = Path(specs_dir)
    if scenarios_dir is None or scenarios_dir is False:
        options["scenarios_dir"] = None
        options["shipped_scenarios"] = False
    elif scenarios_dir is not True:
        options["scenarios_dir"] = Path(scenarios_dir)
    return MockApp(Fake(Options(**options), catalog))


def _allow(request: Request) -> dict[str, str] | None:
    """Every method the path takes: Starlette's 405 names only the first route's, and one vendor
    path can carry several operations (GET and DELETE /v3/videos/{video_id})."""
    path = route_path(request.scope) if request.scope.get("root_path") else request.scope["path"]
    matching = [
        route
        for route in request.app.router.routes
        if isinstance(route, Route) and route.methods and route.path_regex.match(path)
    ]
    # OpenAPI matches a concrete path before a templated one: /v1/asset/list is not /v1/asset/{id}
    concrete = [route for route in matching if "{" not in route.path]
    methods = {m for route in concrete or matching for m in route.methods or ()}
    return {"Allow": ", ".join(sorted(methods))} if methods else None
