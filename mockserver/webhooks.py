"""Webhooks: registered endpoints, jobs waiting to end, and signed deliveries by the fake's clock.

A job started by a create call is watched until its timeline reaches a success or failure
step, whether or not anyone polls it (a time-based timeline moves on its own). Then one
delivery per target (the job's own callback URL and every registered endpoint that wants
the event) is attempted up to 3 times, 5 s apart on the fake's clock, each attempt given
5 s to answer 2xx. Every attempt is logged for the admin API.

Users check their own receiver with `verify_signature`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .clock import Clock
from .profiles import CreateCall, Profile, WebhookProfile
from .render import dump

log = logging.getLogger("mockserver.webhooks")

ATTEMPTS = 3
RETRY_AFTER = 5.0
TIMEOUT = 5.0
TICK = 0.02  # real seconds between looks at the watched jobs
# Signs deliveries to a job's own callback URL while the vendor has no registered endpoint.
DEFAULT_SECRET = "whsec_mockserver"  # noqa: S105 - a documented test secret, not a credential


def sign(secret: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of the raw body, keyed with the endpoint's secret (both vendors' scheme)."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, signature: str) -> bool:
    """True when `signature` is the one the fake (or the vendor) puts on `body`; for your receiver's tests."""
    return hmac.compare_digest(sign(secret, body), signature.strip().lower())


def fill(template: Any, values: dict[str, Any]) -> Any:
    """A copy of a profile template with every "{name}" string replaced by its value (None if unknown)."""
    if isinstance(template, dict):
        return {k: fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, values) for v in template]
    if isinstance(template, str) and template.startswith("{") and template.endswith("}"):
        return lookup(values, template[1:-1])
    return template


def lookup(node: Any, dotted: str) -> Any:
    for name in dotted.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(name)
    return node


@dataclass
class Endpoint:
    endpoint_id: str
    vendor: str
    url: str
    events: list[str]
    secret: str
    created_at: float

    def record(self, profile: WebhookProfile) -> Any:
        created_iso = datetime.fromtimestamp(self.created_at, UTC).isoformat().replace("+00:00", "Z")
        return fill(profile.record, self.__dict__ | {"created_iso": created_iso})


@dataclass
class Job:
    """A created job the fake will announce when it ends."""

    family: str
    rid: str
    profile: Profile
    call: CreateCall
    request: dict[str, Any]
    base: str  # the fake's own address as the client saw it, for media links
    check: Callable[[Job, float], tuple[str | None, Any] | None]  # the status endpoint's `ended`
    checked: int = -1  # the last step index looked at


@dataclass
class Delivery:
    delivery_id: str
    job_id: str
    event: str
    url: str
    payload: bytes
    headers: dict[str, str]
    endpoint_id: str | None
    next_due: float
    attempts: list[dict[str, Any]] = field(default_factory=list)
    state: str = "pending"  # pending, sending, delivered, failed

    def as_dict(self) -> dict[str, Any]:
        return {
            "delivery_id": self.delivery_id,
            "job_id": self.job_id,
            "event": self.event,
            "url": self.url,
            "endpoint_id": self.endpoint_id,
            "state": self.state,
            "headers": self.headers,
            "payload": json.loads(self.payload),
            "attempts": self.attempts,
            "next_due": self.next_due if self.state in ("pending", "sending") else None,
        }


def post(url: str, payload: bytes, headers: dict[str, str]) -> int:
    """One attempt: the receiver's HTTP status (raises OSError when it cannot be reached)."""
    request = urllib.request.Request(  # noqa: S310 - the user's own receiver, http or https
        url, data=payload, headers={"Content-Type": "application/json", **headers}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


class Webhooks:
    """Endpoints by vendor, watched jobs, and the delivery log; bounded like the timelines."""

    def __init__(self, cap: int = 100_000, log_size: int = 10_000) -> None:
        self.endpoints: dict[str, dict[str, Endpoint]] = {}
        self.jobs: OrderedDict[tuple[str, str], Job] = OrderedDict()
        self.cap = cap
        self.log: deque[Delivery] = deque(maxlen=log_size)
        self.pending: list[Delivery] = []

    # --- endpoints --------------------------------------------------------------------------
    def add(self, vendor: str, url: str, events: list[str], now: float) -> Endpoint:
        endpoint = Endpoint(
            endpoint_id=uuid.uuid4().hex,
            vendor=vendor,
            url=url,
            events=events,
            secret="whsec_" + secrets.token_urlsafe(24),
            created_at=now,
        )
        self.endpoints.setdefault(vendor, {})[endpoint.endpoint_id] = endpoint
        return endpoint

    def listing(self, vendor: str) -> list[Endpoint]:
        return list(self.endpoints.get(vendor, {}).values())

    def remove(self, vendor: str, endpoint_id: str) -> bool:
        return self.endpoints.get(vendor, {}).pop(endpoint_id, None) is not None

    # --- jobs -------------------------------------------------------------------------------
    def watch(self, job: Job) -> None:
        key = (job.family, job.rid)
        self.jobs.pop(key, None)
        self.jobs[key] = job
        while len(self.jobs) > self.cap:
            self.jobs.popitem(last=False)

    def drop(self, job: Job) -> None:
        self.jobs.pop((job.family, job.rid), None)

    def fire(self, job: Job, outcome: str, body: Any, now: float) -> list[Delivery]:
        """Queue one delivery per target of the event this job ended with."""
        self.drop(job)
        event = job.call.events.get(outcome)
        hooks = job.profile.webhooks
        if event is None or hooks is None:
            return []
        failure = next(
            (v for f in job.profile.failure_message_fields if isinstance(v := lookup(body, f), str)), None
        )
        values = {
            "id": job.rid,
            "event": event.name,
            "event_id": uuid.uuid4().hex,
            "timestamp": int(now),
            "failure": failure,
            "request": job.request,
            "body": body,
        }
        payload = dump(fill(event.payload, values))
        targets: list[tuple[str, str | None, str]] = []
        own = job.request.get(job.call.callback_field or "")
        if isinstance(own, str) and own:
            targets.append((own, None, self.job_secret(job.profile.vendor)))
        for endpoint in self.listing(job.profile.vendor):
            if not endpoint.events or event.name in endpoint.events:
                targets.append((endpoint.url, endpoint.endpoint_id, endpoint.secret))
        made = []
        for url, endpoint_id, secret in targets:
            headers = {str(k): str(fill(v, values)) for k, v in hooks.headers.items()}
            headers[hooks.signature_header] = sign(secret, payload)
            delivery = Delivery(
                uuid.uuid4().hex, job.rid, event.name, url, payload, headers, endpoint_id, now
            )
            self.log.append(delivery)
            self.pending.append(delivery)
            made.append(delivery)
        return made

    def job_secret(self, vendor: str) -> str:
        """The secret per-job callback URLs are signed with: the vendor's first endpoint's, else a fixed one."""
        endpoints = self.listing(vendor)
        return endpoints[0].secret if endpoints else DEFAULT_SECRET

    # --- delivery ---------------------------------------------------------------------------
    def due(self, now: float) -> list[Delivery]:
        ready = [d for d in self.pending if d.state == "pending" and d.next_due <= now]
        for d in ready:
            d.state = "sending"
        return ready

    def settle(self, delivery: Delivery, at: float, status: int | None, error: str | None) -> None:
        delivery.attempts.append(
            {"attempt": len(delivery.attempts) + 1, "time": at, "status": status, "error": error}
        )
        if status is not None and 200 <= status < 300:
            delivery.state = "delivered"
        elif len(delivery.attempts) >= ATTEMPTS:
            delivery.state = "failed"
        else:
            delivery.state = "pending"
            delivery.next_due = at + RETRY_AFTER
        if delivery.state in ("delivered", "failed"):
            self.pending.remove(delivery)

    def reset(self) -> None:
        self.endpoints.clear()
        self.jobs.clear()
        self.log.clear()
        self.pending.clear()


async def attempt(webhooks: Webhooks, delivery: Delivery, now: Callable[[], float]) -> None:
    """One attempt, off the event loop (urllib blocks), then its result in the log."""
    at = now()
    try:
        status: int | None = await asyncio.to_thread(post, delivery.url, delivery.payload, delivery.headers)
        error = None
    except (OSError, ValueError) as exc:
        status, error = None, f"{type(exc).__name__}: {exc}"
    webhooks.settle(delivery, at, status, error)


class Dispatcher:
    """The fake's one background loop: it notices jobs that ended and sends what is due.

    It runs for the app's lifetime (started and stopped by its lifespan) and looks every
    TICK real seconds, so under a virtual clock a delivery follows an admin clock advance
    within a tick.
    """

    def __init__(self, webhooks: Webhooks, clock: Clock) -> None:
        self.webhooks = webhooks
        self.clock = clock

    def tick(self) -> list[Delivery]:
        now = self.clock.now()
        for job in list(self.webhooks.jobs.values()):
            state = job.check(job, now)
            if state is None:  # the timeline was evicted or reset: nothing left to announce
                self.webhooks.drop(job)
            elif state[0] is not None:
                self.webhooks.fire(job, state[0], state[1], now)
        return self.webhooks.due(now)

    async def run(self) -> None:
        tasks: set[asyncio.Task[None]] = set()
        try:
            while True:
                try:
                    due = self.tick()
                except Exception:  # a bug here must not silently stop every later delivery
                    log.exception("webhook dispatcher tick failed")
                    due = []
                for delivery in due:
                    task = asyncio.create_task(attempt(self.webhooks, delivery, self.clock.now))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                await asyncio.sleep(TICK)
        finally:
            for task in tasks:
                task.cancel()

    @contextlib.asynccontextmanager
    async def running(self) -> Any:
        """Run the loop while the app lives; stop it, and its attempts in flight, at shutdown."""
        task = asyncio.create_task(self.run())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
