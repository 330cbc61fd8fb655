"""Shared set-up for the contract suites: the fake in process, in its two modes."""

from __future__ import annotations

from pathlib import Path

from mockserver import create_app
from mockserver.engine.fake import Fake
from mockserver.engine.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
KEY = "contract-key"
# Enough cases to meet every scenario step on every operation, small enough for CI (< 2 min).
MAX_EXAMPLES = 5


def contract_app(*, faithful: bool, catalog=None):
    """The fake with every shipped scenario, time running a billion times fast so time steps pass at once.

    faithful=False: a configured key list and real HTTP errors, so every default check applies
    (ignored_auth needs a 401 for a bad key; negative_data_rejection needs a 4xx).
    faithful=True: the vendors' own defaults (any key; JoggAI answers errors with HTTP 200).
    """
    options: dict = {"journal_size": 500_000}  # keep every request of a run, to check coverage
    if not faithful:
        options |= {"api_keys": [KEY], "http_errors": True}
    return create_app(
        ROOT / "specs", ROOT / "scenarios", catalog=catalog, clock="real", clock_speed=1e9, **options
    )


def scenarios_by_operation(mock: Fake) -> dict[str, list[Scenario]]:
    return {
        name: [s for s in mock.store.scenarios() if s.applies_to(op)]
        for name, op in mock.catalog.operations.items()
        if op.polled  # create and webhook calls start or register things; they do not walk a timeline
    }
