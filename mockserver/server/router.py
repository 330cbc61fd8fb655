"""Vendor routes found by one dict lookup, inside Starlette's stack: `VendorRouter` and `VendorFirst`.

Most vendor paths are fixed (`/v1/video_status.get`): a dict finds them, where Starlette's
router would try the admin, media and every vendor pattern in turn; patterned vendor paths
are matched against the vendor patterns only. Both classes sit inside Starlette's stack, so
user middleware and exception handlers apply to vendor routes too (see `VendorFirst` for
which of the two answers them).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from starlette.routing import BaseRoute, Match, Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from ..spec.openapi import reserved_prefix


def route_path(scope: Scope) -> str:
    """The path below the app's root path, as Starlette's own routes match it."""
    path: str = scope["path"]
    root = scope.get("root_path", "")
    if root and path.startswith(root) and path != root and path[len(root)] == "/":
        return path[len(root) :]
    return "" if root and path == root else path


def raw_route_path(scope: Scope) -> str | None:
    """The path as sent, below the root path, when it holds %-escapes; else None (nothing to tell)."""
    raw = scope.get("raw_path")
    if not raw or b"%" not in raw:
        return None
    text: str = raw.decode("latin-1")
    root = scope.get("root_path", "")
    if root:
        if not text.startswith(root):
            return None
        text = text[len(root) :]
    return text


class RawRoute(Route):
    """A Route that reads its path parameters from the path as sent, each decoded on its own.

    The server decodes the whole path before routing, so an id sent as `a%2Fb` would reach
    a route as two segments, and `%2E%2E` as a `..` that clients resolve away. Matched on
    the raw path, `{id}` gets `a/b` or `..` whole: any id a client can send, a route can take.
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        raw = raw_route_path(scope) if scope["type"] == "http" else None
        found = self.path_regex.match(raw) if raw is not None else None
        if found is None:
            return super().matches(scope)
        params = dict(scope.get("path_params", {}))
        for key, value in found.groupdict().items():
            params[key] = self.param_convertors[key].convert(unquote(value))
        child = {"endpoint": self.endpoint, "path_params": params}
        return (Match.PARTIAL if self.methods and scope["method"] not in self.methods else Match.FULL), child


class VendorRouter(Router):
    """A Router that dispatches vendor operations before scanning its other routes."""

    def __init__(self, vendor: list[Route], routes: list[BaseRoute], **kwargs: Any) -> None:
        super().__init__(routes=routes + vendor, **kwargs)
        self.exact: dict[tuple[str, str], ASGIApp] = {}
        self.patterned = [route for route in vendor if "{" in route.path]
        for route in vendor:
            if "{" not in route.path:
                for method in route.methods or ():
                    self.exact.setdefault((method, route.path), route.app)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = self.vendor_endpoint(scope) if scope["type"] == "http" else None
        if endpoint is not None:
            await endpoint(scope, receive, send)
            return
        await super().app(scope, receive, send)

    def vendor_endpoint(self, scope: Scope) -> ASGIApp | None:
        """The vendor operation's endpoint for this request (path params set), or None."""
        path = route_path(scope) if scope.get("root_path") else scope["path"]
        endpoint = self.exact.get((scope["method"], path))
        if endpoint is not None:
            scope["path_params"] = {}
            return endpoint
        if not self.patterned or reserved_prefix(path) is not None:  # the fake's own routes win
            return None
        for route in self.patterned:
            match, child = route.matches(scope)
            if match is Match.FULL:
                scope.update(child)
                return route.app
        return None


class VendorFirst:
    """Vendor routes answered just below the user's middleware, above Starlette's ExceptionMiddleware.

    Installed by the app only while no exception handler of the user's could apply to a vendor
    route (handlers for 500 and `Exception` live above, in ServerErrorMiddleware, and still do):
    then ExceptionMiddleware would only wrap the endpoint for nothing, and skipping it is a
    fifth of a poll's cost. Once the user adds any other handler, the app is built without this
    layer and vendor routes go through ExceptionMiddleware to the router, like any route.
    """

    def __init__(self, app: ASGIApp, router: VendorRouter) -> None:
        self.app = app
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = self.router.vendor_endpoint(scope) if scope["type"] == "http" else None
        if endpoint is not None:
            await endpoint(scope, receive, send)
            return
        await self.app(scope, receive, send)
