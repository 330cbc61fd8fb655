"""Webhook delivery over HTTP: the fake's one background loop.

It runs for the app's lifetime (started and stopped by its lifespan). Every TICK real
seconds it asks the engine what is due, which is a look at the top of the due-time heap:
an idle fake with 100k unfinished jobs does no work here. Under a virtual clock a
delivery follows an admin clock advance within a tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import urllib.error
import urllib.request
from collections.abc import AsyncIterator

from ..engine.fake import Fake
from ..engine.webhooks import Delivery

log = logging.getLogger("mockserver.webhooks")
TICK = 0.02


def post(url: str, payload: bytes, headers: dict[str, str], timeout: float) -> int:
    """One attempt: the receiver's HTTP status (raises OSError when it cannot be reached)."""
    request = urllib.request.Request(  # noqa: S310 - the user's own receiver, http or https
        url, data=payload, headers={"Content-Type": "application/json", **headers}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


class Dispatcher:
    """Sends due deliveries off the event loop and hands each result back to the engine."""

    def __init__(self, fake: Fake) -> None:
        self.fake = fake
        self.tasks: set[asyncio.Task[None]] = set()

    async def attempt(self, delivery: Delivery) -> None:
        at = self.fake.clock.now()
        try:
            status: int | None = await asyncio.to_thread(
                post, delivery.url, delivery.payload, delivery.headers, delivery.policy.timeout
            )
            error = None
        except (OSError, ValueError) as exc:
            status, error = None, f"{type(exc).__name__}: {exc}"
        self.fake.endings.settle(delivery, at, status, error)

    def tick(self) -> None:
        try:
            due = self.fake.endings.due(self.fake.clock.now())
        except Exception:  # a bug here must not silently stop every later delivery
            log.exception("webhook dispatcher tick failed")
            return
        for delivery in due:
            task = asyncio.create_task(self.attempt(delivery))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def run(self) -> None:
        try:
            while True:
                self.tick()
                await asyncio.sleep(TICK)
        finally:
            for task in self.tasks:
                task.cancel()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Run the loop while the app lives; stop it, and its attempts in flight, at shutdown."""
        task = asyncio.create_task(self.run())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
