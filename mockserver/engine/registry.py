"""The vendor's webhook endpoint registry (add, list, delete), answered in the spec's envelope."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import jsonschema_rs

from ..spec.errors import ConfigError
from ..spec.openapi import Operation
from ..spec.paths import assign, lookup
from .answer import Answer, Request
from .responder import Responder
from .webhooks import new_endpoint

if TYPE_CHECKING:
    from .fake import Fake


class RegistryResponder(Responder):
    """One of the registry's three calls: `role` is 'add', 'list' or 'delete'."""

    def __init__(self, op: Operation, fake: Fake, role: str) -> None:
        super().__init__(op, fake)
        self.role = role
        hooks = op.profile.webhooks
        assert hooks is not None
        self.hooks = hooks
        self.envelope = self.success_envelope(op)
        # the effective spec's own pattern, read by the same engine: the fake refuses what it documents
        self.url_rule = jsonschema_rs.validator_for({"type": "string", "pattern": hooks.url_pattern})

    def success_envelope(self, op: Operation) -> Any:
        """The 200 example's body: the registry answers in the vendor's own envelope, so a spec that
        documents none cannot be served (one line at load, not a traceback)."""
        for ex in self.examples.values():
            if ex.status_code == 200:
                return ex.body
        raise ConfigError(
            str(op.spec.path),
            op.pointer,
            f"the webhook registry call {op.name} documents no 200 example, so its answers have no envelope",
            "add a 200 response with an example body, or drop the operation's webhooks role in the profile",
        )

    def answer(self, request: Request, now: float) -> Answer:
        entry = self.entry(request, now, self.resource_id(request))
        answer = self.validate(request, entry) or self.preferred(request, now, entry)
        if answer is None:
            answer = self.registry(request, now, entry)
        return self.done(answer, entry)

    def registry(self, request: Request, now: float, entry: dict[str, Any]) -> Answer:
        store, vendor, rid = self.fake.store, self.op.profile.vendor, entry["id"]
        body = dict(self.envelope) if isinstance(self.envelope, dict) else {}
        if self.role == "list":
            assign(body, self.hooks.data_field, [e.record(self.hooks) for e in store.endpoints(vendor)])
        elif self.role == "delete":
            if rid is None or not store.remove_endpoint(vendor, rid):
                return self.error("not_found", f"no webhook endpoint '{rid}'")
        else:
            refused, fields = self.checked_body(request.body, entry)
            if refused is not None:
                return refused
            url = lookup(fields, self.hooks.url_field)
            if not self.url_rule.is_valid(url):
                return self.error("invalid_parameter", "url must be an http or https URL with a host")
            cap = self.hooks.max_endpoints
            if cap is not None and len(store.endpoints(vendor)) >= cap:
                return self.error("invalid_parameter", f"at most {cap} webhook endpoints")
            events = [str(e) for e in lookup(fields, self.hooks.events_field) or []]
            endpoint = new_endpoint(self.hooks, vendor, store.mint_id(), url, events, now)
            store.add_endpoint(endpoint)
            entry["id"] = endpoint.endpoint_id
            assign(body, self.hooks.data_field, endpoint.record(self.hooks))
        return Answer(200, body)
