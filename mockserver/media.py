"""Media that works offline: signed, expiring URLs on the fake itself, serving tiny real files.

The vendors hand out CDN links (`...mp4?Expires=...&Signature=...&Key-Pair-Id=...`) that stop
working after 7 days. A client that stores a link instead of the file breaks a week later, in
production. Here the links keep that shape, expire by the fake's clock, and a download answers
403 the way the CDN does once they have.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from .clock import Clock

ASSETS = Path(__file__).parent / "media"
TYPES = {
    "video.mp4": "video/mp4",
    "thumbnail.jpg": "image/jpeg",
    "preview.gif": "image/gif",
    "caption.ass": "text/x-ssa",
}
TTL = 7 * 24 * 3600
KEY_PAIR_ID = "KMOCKSERVER0000"
PREFIX = "/__media"
DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<Error><Code>AccessDenied</Code><Message>Access denied</Message></Error>"
)


_CLOUDFRONT = bytes.maketrans(b"+=/", b"-_~")


class MediaSigner:
    """Signs and checks media URLs with a key that lives as long as the fake."""

    def __init__(self, clock: Clock, key: bytes | None = None) -> None:
        self.clock = clock
        self.key = key or secrets.token_bytes(32)

    def _signature(self, resource: str, expires: int) -> str:
        digest = hmac.digest(self.key, f"{resource}?{expires}".encode(), hashlib.sha256)
        # CloudFront's URL-safe base64: + -> -, = -> _, / -> ~
        return base64.b64encode(digest).translate(_CLOUDFRONT).decode()

    def linker(self, base: str, vendor: str, rid: str, now: float) -> Callable[[str], bytes]:
        """The links of one body, JSON-encoded for its template: each asset signed once.

        A HeyGen body links its video twice; signing is most of what rendering it costs.
        """
        expires = int(now) + TTL
        prefix = f"{base}{PREFIX}/{vendor}/{quote(rid, safe='')}/"
        made: dict[str, bytes] = {}

        def link(asset: str) -> bytes:
            found = made.get(asset)
            if found is None:
                signature = self._signature(f"{vendor}/{rid}/{asset}", expires)
                url = f"{prefix}{asset}?Expires={expires}&Signature={signature}&Key-Pair-Id={KEY_PAIR_ID}"
                found = made[asset] = json.dumps(url).encode()
            return found

        return link

    def check(self, resource: str, expires: str, signature: str) -> bool:
        """The link is ours, untouched, and not expired."""
        if not expires.isdigit() or not hmac.compare_digest(
            self._signature(resource, int(expires)), signature
        ):
            return False
        return self.clock.now() < int(expires)


async def download(request: Request) -> Response:
    """GET/HEAD one asset; 403 in the CDN's shape when the link is expired, tampered or not ours."""
    signer: MediaSigner = request.app.state.mock.media
    vendor, rid, asset = (request.path_params[k] for k in ("vendor", "rid", "asset"))
    q = request.query_params
    if asset not in TYPES or not signer.check(
        f"{vendor}/{rid}/{asset}", q.get("Expires", ""), q.get("Signature", "")
    ):
        return Response(DENIED, status_code=403, media_type="text/xml")
    return FileResponse(ASSETS / asset, media_type=TYPES[asset])


def routes() -> list[Route]:
    return [Route(PREFIX + "/{vendor}/{rid}/{asset}", download, methods=["GET", "HEAD"])]
