"""Serving the fake's media files behind their signed, expiring links (signing is the engine's),
and the upload URLs an `add` of an upload hands out: PUT the bytes (counted, never kept), then GET
a stock file of the upload's type."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from ..engine.collection import UPLOADS, receive_upload, stock_asset
from ..engine.media_links import ASSET_FILES, ASSET_TYPES, PREFIX, segment
from .bodies import CLOSE, MAX_BODY, announced_too_big
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


async def _count_body(request: Request) -> int | None:
    """How many bytes the body holds, read and dropped chunk by chunk; None past MAX_BODY."""
    if announced_too_big(request.scope):
        return None
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
    return size


async def upload(request: Request) -> Response:
    """PUT an upload's bytes: the record is marked uploaded; 404 for an id the fake never handed out."""
    size = await _count_body(request)
    if size is None:
        response = JSONResponse(
            {"error": f"upload over {MAX_BODY // 1024 // 1024} MiB; send at most {MAX_BODY} bytes"}, 413
        )
        response.headers[CLOSE[0].decode()] = CLOSE[1].decode()  # the rest of it is left unread
        return response
    rid = request.path_params["rid"]
    record = receive_upload(request.app.state.fake, rid, size, request.headers.get("content-type", ""))
    if record is None:
        return JSONResponse({"error": f"no upload '{rid}': PUT to the upload URL an add call answered"}, 404)
    return Response(status_code=200)


async def uploaded(request: Request) -> Response:
    """GET/HEAD an uploaded asset: a stock file of its type; 404 until its bytes have come."""
    rid = request.path_params["rid"]
    found = request.app.state.fake.store.find_record(rid)
    if found is None or not found[1].uploaded or found[1].job is not None:
        return JSONResponse({"error": f"no uploaded asset '{rid}': PUT its bytes to this URL first"}, 404)
    asset = stock_asset(found[1].content_type)
    return FileResponse(ASSETS / asset, media_type=ASSET_TYPES[asset])


def routes() -> list[Route]:
    return [
        RawRoute(UPLOADS + "/{rid}", upload, methods=["PUT"]),
        RawRoute(UPLOADS + "/{rid}", uploaded, methods=["GET", "HEAD"]),
        RawRoute(PREFIX + "/{vendor}/{rid}/{asset}", download, methods=["GET", "HEAD"]),
    ]
