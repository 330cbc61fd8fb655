"""An account operation (`x-mock-resource: {kind: account}`): the caller's balance in the vendor's body.

The 200 example is the envelope; each of `fields` (a dotted path and a factor) is set to the
key's credit times the factor: HeyGen's `remaining_quota` is seconds, 60 to a credit.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ..spec.account import is_amount
from ..spec.errors import ConfigError
from ..spec.openapi import Operation
from ..spec.paths import assign, lookup
from .accounts import tidy
from .answer import Answer, Request
from .responder import Responder

if TYPE_CHECKING:
    from .fake import Fake


def account_resource(op: Operation) -> dict[str, Any] | None:
    """The operation's `x-mock-resource` when its kind is account, else None."""
    # TODO(merge): use op.resource from spec/resources.py
    raw = op.raw.get("x-mock-resource")
    return raw if isinstance(raw, dict) and raw.get("kind") == "account" else None


class AccountResponder(Responder):
    """Answers the example named by the resource (default: the first 200 one) with the balance in it."""

    def __init__(self, op: Operation, fake: Fake, resource: dict[str, Any]) -> None:
        super().__init__(op, fake)
        label = op.spec.label
        named = resource.get("example")
        found = [ex for ex in self.examples.values() if ex.status_code == 200 and named in (None, ex.name)]
        if not found:
            what = f"no 200 example named '{named}'" if named else "no 200 example"
            raise ConfigError(
                label, op.pointer, f"the account operation {op.name} has {what}", "add one to its responses"
            )
        self.body = found[0].body
        fields = resource.get("fields") or {}
        if not isinstance(fields, dict) or not fields:
            raise ConfigError(
                label,
                op.pointer + "/x-mock-resource/fields",
                "an account resource needs 'fields'",
                "write 'fields: {data.remaining_quota: 60}' (path: credit factor)",
            )
        self.fields: dict[str, tuple[float, bool]] = {}
        for path, factor in fields.items():
            if not is_amount(factor) or factor > 1e6 or lookup(self.body, path) is None:
                raise ConfigError(
                    label,
                    op.pointer + f"/x-mock-resource/fields/{path}",
                    f"field '{path}' is not in the example, or its factor {factor!r} is not a number from 0 to 1e6",
                    "name a field of the 200 example with a numeric factor, e.g. 'data.remaining_quota: 60'",
                )
            value = lookup(self.body, path)
            self.fields[str(path)] = (factor, isinstance(value, int) and not isinstance(value, bool))

    def answer(self, request: Request, now: float) -> Answer:
        entry = self.entry(request, now, None)
        answer = self.validate(request, entry)
        if answer is None:
            key = request.headers.get(self.op.profile.auth_header, "")
            credit = self.fake.credit(self.op.profile.account.name, key)
            body = copy.deepcopy(self.body)
            for path, (factor, whole) in self.fields.items():
                value = credit * factor
                assign(body, path, round(value) if whole else tidy(value))
            answer = Answer(200, body)
        return self.done(answer, entry)
