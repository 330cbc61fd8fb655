"""Media that works offline: signed, expiring URLs to tiny real files served by the fake.

The vendors hand out CDN links (`...mp4?Expires=...&Signature=...&Key-Pair-Id=...`) that stop
working after a while. A client that stores a link instead of the file breaks later, in
production. Here the links keep that shape and the vendor's lifetime (its profile's
`media_links`), expire by the fake's clock, and a download answers 403 the way the CDN
does once they have. Serving the files is the server's (`server/media.py`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from urllib.parse import quote

from ..spec.openapi import MEDIA_PREFIX as PREFIX
from ..spec.profile import Profile

ASSET_TYPES = {
    "video.mp4": "video/mp4",
    "caption.mp4": "video/mp4",
    "thumbnail.jpg": "image/jpeg",
    "preview.gif": "image/gif",
    "caption.ass": "text/x-ssa",
}
# Assets with a name of their own and another's bytes: the captioned video is its own link (a client
# that keeps the two apart must see two), and the tiny video stands in for both.
ASSET_FILES = {"caption.mp4": "video.mp4"}
_CLOUDFRONT = bytes.maketrans(b"+=/", b"-_~")


def segment(value: str) -> str:
    """`value` as one URL path segment: `/` escaped, and a `.` or `..` escaped so no client resolves it."""
    quoted = quote(value, safe="")
    return quoted.replace(".", "%2E") if quoted in (".", "..") else quoted


class MediaSigner:
    """Signs and checks media URLs with a key that lives as long as the fake."""

    def __init__(self, key: bytes | None = None) -> None:
        self.key = key or secrets.token_bytes(32)

    def _signature(self, resource: str, expires: int) -> str:
        digest = hmac.digest(self.key, f"{resource}?{expires}".encode(), hashlib.sha256)
        # CloudFront's URL-safe base64: + -> -, = -> _, / -> ~
        return base64.b64encode(digest).translate(_CLOUDFRONT).decode()

    def linker(self, base: str, profile: Profile, rid: str, now: float) -> Callable[[str], str]:
        """The links of one body: each asset signed once; the profile's unsigned assets plain."""
        links = profile.media_links
        expires = int(now) + links.lifetime
        vendor = profile.vendor
        where = f"{vendor}/{segment(rid)}"  # signed as linked: `a/b` cannot pass for vendor `x/a`
        prefix = f"{base}{PREFIX}/{where}/"
        made: dict[str, str] = {}

        def link(asset: str) -> str:
            found = made.get(asset)
            if found is None and asset in profile.unsigned_media:  # a plain link, as the vendor gives
                found = made[asset] = f"{prefix}{asset}"
            if found is None:
                signature = self._signature(f"{where}/{asset}", expires)
                found = made[asset] = (
                    f"{prefix}{asset}?Expires={expires}&Signature={signature}&Key-Pair-Id={links.key_pair_id}"
                )
            return found

        return link

    def check(self, resource: str, expires: str, signature: str, now: float) -> bool:
        """The link is ours, untouched, and not expired."""
        if not (expires.isascii() and expires.isdigit()) or len(expires) > 18:
            return False
        expected = self._signature(resource, int(expires)).encode()
        if not hmac.compare_digest(expected, signature.encode("utf-8", "replace")):
            return False
        return now < int(expires)
