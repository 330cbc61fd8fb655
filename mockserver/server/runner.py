"""Running the app on uvicorn: in the foreground for `mockserver serve`, in a thread for the plugin.

The socket is bound before uvicorn starts, so a port in use is one clear line.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import ipaddress
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn

from ..spec.errors import ConfigError
from . import head_timeout


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind before starting uvicorn, so a port in use is one clear line."""
    if not 0 <= port <= 65535:
        raise ConfigError(
            f"--port {port}", "", "not a TCP port", "use a port from 0 to 65535 (0 picks a free one)"
        )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto IPPROTO_TCP so asyncio sets TCP_NODELAY on accepted connections: without it Nagle's
    # algorithm and delayed ACKs hold each response back by about 40 ms.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except (OSError, OverflowError) as exc:
        sock.close()
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(
            f"{host}:{port}",
            "",
            f"cannot listen there ({reason})",
            "stop what uses the port, or pick another with --port (0 picks a free one)",
        ) from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _config(app: Any, **extra: Any) -> uvicorn.Config:
    # No WebSocket routes: ws="none" spares importing a WebSocket library, 40 ms of start-up.
    fake = getattr(getattr(app, "state", None), "fake", None)
    seconds = fake.options.header_timeout if fake is not None else head_timeout.DEFAULT
    return uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        ws="none",
        http=head_timeout.protocol(seconds),
        **extra,
    )


class Server(uvicorn.Server):
    """uvicorn's server, whose app always hears the lifespan's shutdown.

    A second Ctrl-C makes uvicorn skip it (`force_exit`), and the lifespan task is then
    cancelled on the way out, which Starlette reports as a failed shutdown with a traceback.
    Stopping the app's own work (the webhook dispatcher) takes no time, so it is done anyway.
    """

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await super().shutdown(sockets)
        if self.force_exit:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.lifespan.shutdown(), timeout=2)


def serve(app: Any, sock: socket.socket, host: str, on_ready: Callable[[str], None]) -> None:
    """Serve until SIGTERM or Ctrl-C; `on_ready(url)` once uvicorn accepts connections.

    The URL names `host` as given (`localhost` stays `localhost`), with the port bound.
    """
    # Everything loaded so far lives for the whole run: keep it out of the collector's scans.
    gc.collect()
    gc.freeze()
    config = _config(app, timeout_graceful_shutdown=4)
    server = Server(config)
    port = sock.getsockname()[1]
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}"

    async def run() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.01)
        if server.started:
            on_ready(url)
        await task

    # uvicorn drains in-flight requests on SIGTERM/SIGINT, then re-raises the signal to the
    # handler it found: make that handler a clean exit 0 instead of death by signal.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _exit_cleanly)
    with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:  # uvloop where installed
        runner.run(run())


def _exit_cleanly(signum: int, frame: object) -> None:
    sys.exit(0)


class BackgroundServer:
    """uvicorn in a thread on 127.0.0.1:0, for the pytest plugin; `stop` ends it."""

    def __init__(self, app: Any) -> None:
        self.sock = bind_socket("127.0.0.1", 0)
        self.server = Server(_config(app))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        if not self.server.started:
            self.stop()
            raise RuntimeError("mockserver did not start within 10 s")
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
