"""The plugin's `set_credit` and `credit` drive a live fake's balances through the admin API."""

from __future__ import annotations

import httpx
import pytest

from mockserver import create_app
from mockserver.kit.pytest_plugin import LiveFake
from mockserver.server.runner import BackgroundServer

from ..acme import catalog

ANNA = {"inputs": [{"avatar_id": "anna"}]}


def test_set_credit_and_credit(tmp_path):
    server = BackgroundServer(create_app(None, None, catalog=catalog(tmp_path)))
    try:
        fake = LiveFake(server.url)
        assert fake.credit("k", "acme") == 5
        fake.set_credit("k", 2, account="acme")
        created = httpx.post(server.url + "/v1/videos", json=ANNA, headers={"x-api-key": "k"}, timeout=10)
        assert created.status_code == 200 and fake.credit("k", "acme") == 0
        fake.set_credit("k", 40)  # no account: every account the fake knows
        assert fake.credit("k") == 40
        fake.set_credit("k", 1, account="generic")
        with pytest.raises(AssertionError, match="different balances"):
            fake.credit("k")
        with pytest.raises(AssertionError, match="unknown account 'nope'"):
            fake.set_credit("k", 1, account="nope")
        fake.reset()
        assert fake.credit("k", "acme") == 5
    finally:
        server.stop()
