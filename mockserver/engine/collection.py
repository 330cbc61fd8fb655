"""A collection of the caller's key: add, update, trash, restore and delete one record.

Each call answers in its spec's envelope (the resource's 200 example), with the record shown
at `at` through the resource's `item` template: the one placeholder language, filled with the
record's values (`record_values`). A create call with `collection:` keeps its job here too.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..spec.openapi import MEDIA_PREFIX, Operation
from ..spec.paths import assign, lookup
from ..spec.placeholders import fill
from ..spec.profile import CreateCall
from ..spec.resources import Resource
from .answer import Answer, Request
from .media_links import segment
from .records import Record
from .responder import Responder
from .selection import UnknownScenario

if TYPE_CHECKING:
    from .fake import Fake

UPLOADS = f"{MEDIA_PREFIX}/uploads"  # PUT the bytes of an upload record here; GET its asset once there
NO_JOB = "completed"  # the status of a record without a job
JOBS = "_jobs"  # where a create call without a collection keeps its jobs' records (their owner)


def collection_key(op: Operation, collection: str, request: Request) -> tuple[str, str]:
    """(collection, API key): a plain name is the vendor's own; a dotted one (`heygen.videos`) is
    shared across profiles, so a v3 spec can list what a v2 create call made."""
    name = collection if "." in collection else f"{op.profile.vendor}.{collection}"
    return name, request.headers.get(op.profile.auth_header, "")


def job_status(fake: Fake, record: Record, now: float) -> str:
    """The job's status word now, read without taking a poll (what its next poll would show)."""
    if record.job is None:
        return NO_JOB
    responder = fake.responders[record.job]
    profile = responder.op.profile
    key = (record.job, record.rid)
    found = fake.store.peek(key, now)
    timeline = fake.store.timeline(key)
    if found is None:
        try:
            timeline = timeline or responder.look(key, now, None)
        except UnknownScenario:
            return profile.progress[0] if profile.progress else NO_JOB
        found = timeline.peek(now)
    step = found[1]
    if step.kind in ("example", "outcome", "status") and timeline is not None:
        body = responder.step_value(step, record.rid, timeline.first_seen, now, None)
        word = lookup(body, profile.status_field)
        if word is not None:
            return str(word)
    return profile.progress[0] if profile.progress else NO_JOB  # an error step: still under way


def record_values(fake: Fake, record: Record, base: str, now: float, status: bool) -> dict[str, Any]:
    """What an `item` template's placeholders read; the status only when asked (it peeks a job)."""
    link = f"{base}{UPLOADS}/{segment(record.rid)}"
    stamp = datetime.fromtimestamp(int(record.created), UTC)
    return {
        "id": record.rid,
        "created": int(record.created),
        "created_iso": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "status": job_status(fake, record, now) if status else NO_JOB,
        "request": record.request,
        "trashed": record.trashed,
        "upload_url": link,
        "asset_url": link,
        "content_type": record.content_type,
        "size": record.size,
    }


def receive_upload(fake: Fake, rid: str, size: int, content_type: str) -> Record | None:
    """The bytes of an upload record came (counted, not kept); None for an id that is no record."""
    found = fake.store.find_record(rid)
    if found is None or not found[1].upload:  # a video or a folder takes no bytes
        return None
    key, record = found
    record.uploaded, record.size = True, size
    if content_type:
        record.content_type = content_type.split(";")[0].strip()
    fake.store.put_record(key, record)
    return record


def stock_asset(content_type: str) -> str:
    """Which of the fake's own files stands for an uploaded asset of this type."""
    kind = content_type.lower()
    if kind == "image/gif":
        return "preview.gif"
    if kind.startswith("image/"):
        return "thumbnail.jpg"
    return "caption.ass" if kind.startswith("text/") else "video.mp4"


def _no_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _no_nulls(v) for k, v in value.items() if v is not None}
    return [_no_nulls(v) for v in value] if isinstance(value, list) else value


def echo(res: Resource, values: dict[str, Any]) -> Any:
    """The resource's `item` filled. With `absent: omit` (where the vendor types the echoed fields
    as never null), a request field the caller left out, or sent as null, is left out of the answer."""
    shown = fill(res.item, values)
    for name in res.echoes():
        if shown.get(name) is None:
            shown.pop(name, None)
        else:
            shown[name] = _no_nulls(shown[name])
    return shown


def uses_status(res: Resource) -> bool:
    return "{status}" in repr(res.item) or "status" in res.filters.values()


def keep_job(
    fake: Fake, op: Operation, call: CreateCall, request: Request, rid: str, body: Any, now: float
) -> None:
    """A create call records its new job for the caller's key: in its `collection:` (which a list
    shows), else in a collection no list names, so the job is still the key's alone to poll."""
    fields = body if isinstance(body, dict) else {}
    record = Record(rid, now, dict(fields), job=call.status)
    fake.store.put_record(collection_key(op, call.collection or JOBS, request), record)


class CollectionResponder(Responder):
    """add, update, trash, restore or delete, by the operation's `x-mock-resource.kind`."""

    def __init__(self, op: Operation, fake: Fake) -> None:
        super().__init__(op, fake)
        assert op.resource is not None and op.resource.collection is not None
        self.res = op.resource
        self.envelope = fake.catalog.envelopes[op.name]
        self.id_field = self._id_field(fake)
        self.hands_out_upload = "{upload_url}" in str(self.res.item or {})  # JoggAI's sign_url

    def _id_field(self, fake: Fake) -> str | None:
        """The body field that names the record, for calls without an id parameter: the field an
        `item` of this collection shows as `{id}` (this call's, else its list's)."""
        for op in [self.op, *fake.catalog.operations.values()]:
            res = op.resource
            if res is not None and res.collection == self.res.collection and res.item:
                found = next((k for k, v in res.item.items() if v == "{id}"), None)
                if found is not None:
                    return found
        return None

    def answer(self, request: Request, now: float) -> Answer:
        entry = self.entry(request, now, self.resource_id(request))
        answer = self.validate(request, entry) or self.preferred(request, now, entry)
        if answer is None:
            answer = (
                self.add(request, now, entry) if self.res.kind == "add" else self.change(request, now, entry)
            )
        return self.done(answer, entry)

    def add(self, request: Request, now: float, entry: dict[str, Any]) -> Answer:
        kind = request.headers.get("content-type", "")
        record = Record(self.fake.store.mint_id(), now, content_type=kind.split(";")[0].strip())
        record.upload = self.hands_out_upload
        if self.validator.media:  # the bytes come in the call itself, as a declared media type
            refused = self.checked_upload(request, kind, entry)
            if refused is not None:
                return refused
            record.uploaded, record.size = True, len(request.body or b"")
        elif request.body and "json" not in kind:  # bytes sent to a JSON add: an upload done at once
            record.uploaded, record.size = True, len(request.body)
        else:
            refused, body = self.checked_body(request.body, entry)
            if refused is not None:
                return refused
            record.request = dict(body) if isinstance(body, dict) else {}
        self.fake.store.put_record(collection_key(self.op, self.res.collection or "", request), record)
        entry["id"] = record.rid
        return self.show(record, request.base, now)

    def checked_upload(self, request: Request, kind: str, entry: dict[str, Any]) -> Answer | None:
        """The vendor's refusal of an upload's bytes (too big, absent, an undeclared type), or None."""
        if request.body is None:
            return self.error("invalid_parameter", "request body over the size limit")
        violations = self.validator.check_media(kind, request.body)
        self.record(violations, entry)
        return self.error("invalid_parameter", violations[0].message) if violations else None

    def change(self, request: Request, now: float, entry: dict[str, Any]) -> Answer:
        refused, body = (None, None) if not request.body else self.checked_body(request.body, entry)
        if refused is not None:
            return refused
        fields = body if isinstance(body, dict) else {}
        rid = entry["id"]
        if rid is None and self.id_field is not None and fields.get(self.id_field) is not None:
            rid = entry["id"] = str(fields[self.id_field])
        if rid is None:
            return self.error("invalid_parameter", "missing resource id")
        key = collection_key(self.op, self.res.collection or "", request)
        store = self.fake.store
        record = store.get_record(key, rid)
        if record is None:
            return self.error("not_found", f"no record '{rid}'")
        kind = self.res.kind
        if kind == "delete":
            store.remove_record(key, rid)
            if record.job is not None:  # its job goes too: no longer watched, its status not_found
                store.forget((record.job, rid))
                store.bury((record.job, rid))
            return self.show(record, request.base, now)
        if kind == "update":
            record.request = {**record.request, **{k: v for k, v in fields.items() if k != self.id_field}}
        else:
            record.trashed = kind == "trash"
        store.put_record(key, record)
        return self.show(record, request.base, now)

    def show(self, record: Record, base: str, now: float) -> Answer:
        """The envelope with the record at `at`, rendered like an example (its id and times filled)."""
        body = copy.deepcopy(self.envelope)
        if self.res.at is not None and self.res.item is not None:
            values = record_values(self.fake, record, base, now, uses_status(self.res))
            shown = echo(self.res, values)
            if not assign(body, self.res.at, shown):
                body = shown
        return self.fresh(200, body, record.rid, record.created, now, base, {})
