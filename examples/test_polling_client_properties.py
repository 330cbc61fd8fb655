"""Property tests of the reference client: any timeline the fake can produce ends well.

Needs the kit extra besides httpx: `pip install 'mockserver[kit]' httpx` (hypothesis and the
strategies); without it this file is skipped, and test_polling_client.py still runs.
"""

from __future__ import annotations

import pytest

pytest.importorskip("hypothesis", reason="the property tests need the kit: pip install 'mockserver[kit]'")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from polling_client import HEYGEN, Finished, RenderError, RenderTimeout  # noqa: E402
from test_polling_client import MAX_POLLS, TARGETS, run  # noqa: E402

from mockserver import strategies  # noqa: E402


@settings(
    max_examples=200, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck), database=None
)
@given(data=st.data())
def test_any_timeline_ends_well(mockserver, data):
    """For any timeline the fake may produce, the client ends in success, a typed failure or a
    timeout, never raises anything else, and never polls more than MAX_POLLS times."""
    operation = data.draw(st.sampled_from(sorted(TARGETS)), label="operation")
    timeline = data.draw(strategies.timelines(operation), label="timeline")
    mockserver.reset()
    mockserver.bind("job", mockserver.register(timeline), operation)
    try:
        outcome = run(mockserver, operation, "job")
    except (RenderError, RenderTimeout) as exc:
        outcome = exc
    polls = len(mockserver.requests(operation, "job"))
    assert 1 <= polls <= MAX_POLLS
    last = timeline["steps"][-1]  # an example by name, or a vendor-reality status body
    final = str(last["example"] if "example" in last else last["body"]["data"]["status"]).lower()
    if isinstance(outcome, Finished):
        assert outcome.status in HEYGEN.done
    elif isinstance(outcome, RenderError):
        assert outcome.kind == "RenderFailed" and any(w in final for w in ("fail", "error"))
    else:
        assert isinstance(outcome, RenderTimeout)


@settings(max_examples=50, derandomize=True, database=None)
@given(strategies.vendor_bodies("heygen.video_status", errors=False))
def test_client_reads_any_vendor_body(sent):
    """Whatever status spelling or nulls the vendor sends, the client's reading does not crash."""
    status, body = sent
    data = body["data"]
    reading = str(data.get("status", "")).lower()
    assert reading in HEYGEN.done | HEYGEN.failed | {"pending", "waiting", "processing"}
