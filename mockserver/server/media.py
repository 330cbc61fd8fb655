"""Serving the fake's media files behind their signed, expiring links (signing is the engine's)."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ..engine.media_links import ASSET_FILES, ASSET_TYPES, PREFIX, segment
from .router import RawRoute

ASSETS = Path(__file__).parent / "assets"
DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<Error><Code>AccessDenied</Code><Message>Access denied</Message></Error>"
)


async def download(request: Request) -> Response:
    """GET/HEAD one asset; 403 in the CDN's shape when the link is expired, tampered or not ours
    (a vendor's unsigned assets need no signature)."""
    fake = request.app.state.fake
    vendor, rid, asset = (request.path_params[k] for k in ("vendor", "rid", "asset"))
    q = request.query_params
    if asset not in ASSET_TYPES or not fake.media_ok(
        f"{vendor}/{segment(rid)}/{asset}", q.get("Expires", ""), q.get("Signature", "")
    ):
        return Response(DENIED, status_code=403, media_type="text/xml")
    return FileResponse(ASSETS / ASSET_FILES.get(asset, asset), media_type=ASSET_TYPES[asset])


def routes() -> list[Route]:
    return [RawRoute(PREFIX + "/{vendor}/{rid}/{asset}", download, methods=["GET", "HEAD"])]
