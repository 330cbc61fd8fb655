"""Credit per (account, API key): the balances a store holds, and the rules for where each starts.

A key nobody has spent from or set holds nothing: its balance is its starting credit, worked
out by `AccountBook` (a scenario file's rule for the key, else the profile's account credit).
So a reset, which forgets every balance held, restores every starting balance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..spec.account import Account, Amount
from .capped import Capped

AccountKey = tuple[str, str]  # (account name, API key)


def tidy(value: Amount) -> Amount:
    """A whole float as an int, and no binary dust (100 - 0.1 - 0.2 is 99.7, not 99.69999999999999)."""
    value = round(value, 9)
    return int(value) if float(value).is_integer() else value


@dataclass
class CreditRule:
    """A scenario file's starting credit for one key of an account, or for every key matching a regex."""

    account: str
    credit: Amount
    key: str | None = None
    match: re.Pattern[str] | None = None

    def applies(self, account: str, key: str) -> bool:
        if account != self.account:
            return False
        return key == self.key if self.match is None else self.match.search(key) is not None


class Balances:
    """The balances held, bounded like the timelines (a key forgotten past the cap starts afresh)."""

    def __init__(self, cap: int) -> None:
        self.held: Capped[AccountKey, Amount] = Capped(cap)

    def get(self, key: AccountKey, start: Amount) -> Amount:
        found = self.held.get(key)
        return start if found is None else found

    def spend(self, key: AccountKey, cost: Amount, start: Amount) -> bool:
        """Take `cost` if the balance holds that much; nothing is taken when it does not."""
        balance = self.get(key, start)
        if balance < cost:
            return False
        self.held.put(key, tidy(balance - cost))
        return True

    def set(self, key: AccountKey, credit: Amount) -> None:
        self.held.put(key, tidy(credit))

    def all(self) -> dict[str, dict[str, Amount]]:
        out: dict[str, dict[str, Amount]] = {}
        for (account, key), credit in self.held.items.items():
            out.setdefault(account, {})[key] = credit
        return out

    def clear(self) -> None:
        self.held.clear()


class AccountBook:
    """The accounts the fake knows, and where each key's balance starts."""

    def __init__(self, accounts: dict[str, Account], rules: list[CreditRule]) -> None:
        self.accounts = accounts
        self.rules = rules

    def start(self, account: str, key: str) -> Amount:
        """The last scenario rule for the key wins (the user's files load after the shipped ones)."""
        for rule in reversed(self.rules):
            if rule.applies(account, key):
                return rule.credit
        return self.accounts[account].credit
