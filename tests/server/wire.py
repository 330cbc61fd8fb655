"""A raw-socket harness: `mockserver serve` in a subprocess, and keep-alive connections to it.

Hostile requests are bytes no HTTP client library would send (or would fix up first), so
they go over a plain socket. The response parser is strict on purpose: a body sent where
HTTP allows none (a 204) shows up as garbage before the next status line.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..conftest import LiveServer

NO_BODY = (204, 304)


@dataclass
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    fields: list[tuple[str, str]] = field(default_factory=list)  # every header line, repeats kept

    def json(self) -> Any:
        return json.loads(self.body)


class WireServer(LiveServer):
    """A LiveServer whose stdout and stderr go to one log file, with raw connections to it."""

    def __init__(self, tmp: Path, *args: str) -> None:
        super().__init__(tmp, *args, log=tmp / "server.log")

    def connect(self) -> Wire:
        return Wire(self.port)

    def text(self) -> str:
        return self.log_path.read_text() if self.log_path else ""

    @contextmanager
    def no_traceback(self) -> Iterator[None]:
        """Check that what the server logs during the block holds no traceback."""
        start = len(self.text())
        yield
        assert "Traceback" not in self.text()[start:], self.text()[start:]


class Wire:
    """One keep-alive connection: send raw bytes, read one response at a time."""

    def __init__(self, port: int, timeout: float = 5) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""

    def __enter__(self) -> Wire:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def send(self, raw: bytes) -> None:
        self.sock.sendall(raw)

    def request(self, method: str, target: str, body: bytes | None = None, **headers: str) -> Reply:
        """A sound request with its Content-Length, then its response."""
        lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "X-Api-Key: k"]
        lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
        if body is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b""))
        return self.reply(head_only=method == "HEAD")

    def reply(self, head_only: bool = False) -> Reply:
        """One response, read strictly: its status line must start right where the last one ended."""
        head = self._until(b"\r\n\r\n").decode("latin-1")
        status_line, *lines = head.split("\r\n")
        version, _, rest = status_line.partition(" ")
        assert version == "HTTP/1.1" and rest[:3].isdigit(), f"not a status line: {status_line!r}"
        reply = Reply(int(rest[:3]))
        for line in lines:
            name, _, value = line.partition(":")
            reply.headers[name.strip().lower()] = value.strip()
            reply.fields.append((name.strip().lower(), value.strip()))
        if head_only or reply.status in NO_BODY:
            return reply
        if reply.headers.get("transfer-encoding") == "chunked":
            reply.body = self._chunked()
        else:
            reply.body = self._exactly(int(reply.headers.get("content-length", "0")))
        return reply

    def closed(self) -> bool:
        """The server closed the connection (reads EOF) within the socket's timeout."""
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"connection closed; unread: {self.buffer[:200]!r}")
        self.buffer += chunk
        assert len(self.buffer) < 16 * 1024 * 1024, "a response far larger than any the fake sends"

    def _until(self, mark: bytes) -> bytes:
        while mark not in self.buffer:
            self._fill()
        found, _, self.buffer = self.buffer.partition(mark)
        return found

    def _exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        found, self.buffer = self.buffer[:size], self.buffer[size:]
        return found

    def _chunked(self) -> bytes:
        out = b""
        for _ in range(100_000):
            size = int(self._until(b"\r\n").split(b";")[0], 16)
            out += self._exactly(size)
            self._until(b"\r\n")
            if size == 0:
                return out
        raise AssertionError("endless chunked body")
