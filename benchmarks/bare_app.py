"""The baseline: a bare Starlette app on uvicorn that returns fixed bytes on the fake's path.

BARE_BODY_FILE=body.json python -m uvicorn --app-dir benchmarks bare_app:app --port 9001 --no-access-log
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY = Path(os.environ["BARE_BODY_FILE"]).read_bytes() if "BARE_BODY_FILE" in os.environ else b"{}"


async def fixed(request: Request) -> Response:
    return Response(BODY, media_type="application/json")


app = Starlette(routes=[Route("/v1/video_status.get", fixed), Route("/v2/avatar_video/{id}", fixed)])
