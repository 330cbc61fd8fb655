"""What a create call checks before it creates: the body's references, then the caller's credit.

A ref (`refs:` in the profile's create call) names a catalog operation: the ids its example
lists are the ones that exist, and any other id answers the vendor's named error (HeyGen v3's
avatar_not_found). Then the call's `cost` is taken from the key's account, or, below it, the
call answers the profile's insufficient_credit and nothing is spent. Either refusal starts no job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..spec.catalog import Catalog
from ..spec.paths import values_at
from ..spec.profile import CreateCall
from ..spec.resources import catalog_items
from .answer import Answer

if TYPE_CHECKING:
    from .responder import Responder


def catalog_ids(catalog: Catalog, name: str) -> set[str]:
    """The ids of a catalog operation's items, read from its example (the catalog is read-only)."""
    resource = catalog.operations[name].resource
    assert resource is not None  # a ref names a catalog operation: checked at load
    id_field = resource.id or "id"
    items = catalog_items(resource, catalog.envelopes[name])
    return {str(item[id_field]) for item in items if id_field in item}


class CreateChecks:
    """One create call's refs (with the ids each accepts) and cost."""

    def __init__(self, catalog: Catalog, call: CreateCall) -> None:
        self.call = call
        self.known = {ref.path: catalog_ids(catalog, ref.catalog) for ref in call.refs}

    def refused(self, responder: Responder, fields: Any, key: str) -> Answer | None:
        """None: go on and create (the cost is spent). Else the vendor's refusal, nothing spent."""
        for ref in self.call.refs:
            for value in values_at(fields, ref.path):
                if value is not None and str(value) not in self.known[ref.path]:  # null: not given
                    return responder.error(ref.error, f"{ref.path} '{value}' does not exist")
        cost = self.call.cost
        if not cost:
            return None
        fake, account = responder.fake, responder.op.profile.account.name
        if fake.spend(account, key, cost):
            return None
        balance = fake.credit(account, key)
        return responder.error("insufficient_credit", "", {"credit": balance, "cost": cost})
