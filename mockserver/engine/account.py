"""An account operation (`x-mock-resource: {kind: account}`): the caller's balance in the vendor's body.

The 200 example is the envelope; each of `fields` (a dotted path and a factor) is set to the
key's credit times the factor: HeyGen's `remaining_quota` is seconds, 60 to a credit.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from ..spec.openapi import Operation
from ..spec.paths import assign, lookup
from .accounts import tidy
from .answer import Answer, Request
from .responder import Responder

if TYPE_CHECKING:
    from .fake import Fake


class AccountResponder(Responder):
    """Answers the resource's envelope (its chosen 200 example, checked at load) with the balance in it;
    an account operation without `fields` (a user's profile) answers its example as documented."""

    def __init__(self, op: Operation, fake: Fake) -> None:
        super().__init__(op, fake)
        resource = op.resource
        assert resource is not None and resource.kind == "account"
        self.body = fake.catalog.envelopes[op.name]
        self.fields: dict[str, tuple[float, bool]] = {}
        for path, factor in resource.fields.items():  # numeric in the example: checked at load
            value = lookup(self.body, path)
            self.fields[path] = (factor, isinstance(value, int) and not isinstance(value, bool))

    def answer(self, request: Request, now: float) -> Answer:
        entry = self.entry(request, now, None)
        answer = self.validate(request, entry) or self.preferred(request, now, entry)
        if answer is None:
            key = request.headers.get(self.op.profile.auth_header, "")
            credit = self.fake.credit(self.op.profile.account.name, key)
            body = copy.deepcopy(self.body)
            for path, (factor, whole) in self.fields.items():
                value = credit * factor
                assign(body, path, round(value) if whole else tidy(value))
            answer = Answer(200, body)
        return self.done(answer, entry)
