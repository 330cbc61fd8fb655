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
from urllib.parse import urlsplit

from ..engine.fake import Fake
from ..engine.webhooks import Delivery

log = logging.getLogger("mockserver.webhooks")
TICK = 0.02


def post(url: str, payload: bytes, headers: dict[str, str], timeout: float) -> int:
    """One attempt: the receiver's HTTP status (raises OSError when it cannot be reached).

    Only http and https go out: urllib would also read `file:` and `data:` URLs, so any other
    URL (a job's own callback is not checked at creation) is refused here, as a failed attempt.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http or https URL with a host: {url[:200]!r}")
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
        self.dropped = 0  # unfinished jobs the store had dropped at the last look

    def report_dropped(self) -> None:
        """Say so when unfinished jobs were dropped past the cap: their webhooks will never be sent."""
        dropped = self.fake.store.jobs_dropped
        if dropped > self.dropped:
            log.warning(
                "%d unfinished job(s) dropped past --timeline-cap %d (%d in all): their webhooks will "
                "not be sent; raise --timeline-cap",
                dropped - self.dropped,
                self.fake.options.timeline_cap,
                dropped,
            )
        self.dropped = dropped

    async def attempt(self, delivery: Delivery) -> None:
        """One attempt, always settled: whatever goes wrong is that attempt's error, never a stuck
        `sending` delivery or a task exception nobody retrieves."""
        at = self.fake.clock.now()
        status: int | None = None
        try:
            status = await asyncio.to_thread(
                post, delivery.url, delivery.payload, delivery.headers, delivery.policy.timeout
            )
            error = None
        except Exception as exc:  # noqa: BLE001 - any failure is the attempt's result
            error = f"{type(exc).__name__}: {exc}"[:500]
        try:
            self.fake.endings.settle(delivery, at, status, error)
        except Exception:  # a bug here must not leave the task's exception unretrieved
            log.exception("settling webhook delivery %s failed", delivery.delivery_id)

    def tick(self) -> None:
        try:
            self.report_dropped()
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
