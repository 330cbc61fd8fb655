"""The hypothesis strategies draw what the effective spec allows, and timelines the fake accepts."""

from __future__ import annotations

import jsonschema_rs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver import strategies
from mockserver.spec.bodies import status_of

from ..spec.test_bodies import CATALOG

OPS = sorted(op.name for op in CATALOG.operations.values() if op.polled)
FAST = settings(
    max_examples=25, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
)


@FAST
@given(st.data())
def test_bodies_are_valid_under_effective_spec(data):
    op = data.draw(st.sampled_from(OPS))
    body = data.draw(strategies.bodies(op, catalog=CATALOG))
    assert jsonschema_rs.is_valid(CATALOG.response_schema(CATALOG.operations[op], 200), body)
    assert isinstance(body, dict) and "data" in body  # realistic: fields every documented body has


@FAST
@given(st.data())
def test_vendor_bodies_vary_like_the_vendor(data):
    op = data.draw(st.sampled_from(OPS))
    status, body = data.draw(strategies.vendor_bodies(op, catalog=CATALOG))
    assert jsonschema_rs.is_valid(CATALOG.response_schema(CATALOG.operations[op], status), body)


def test_vendor_bodies_include_the_real_spellings():
    seen = set()

    @settings(max_examples=150, derandomize=True, database=None)
    @given(strategies.vendor_bodies("heygen.video_avatar", catalog=CATALOG, errors=False))
    def collect(sent):
        seen.add(status_of(sent[1], CATALOG.operations["heygen.video_avatar"].profile))

    collect()
    assert {"complete", "completed", "in_progress", "failed"} <= seen


@FAST
@given(st.data())
def test_timelines_are_accepted_by_the_fake(client, data):
    op = data.draw(st.sampled_from(OPS))
    timeline = data.draw(strategies.timelines(op, catalog=CATALOG))
    body = {k: v for k, v in timeline.items() if k != "name"}
    r = client.put(f"/__mock/scenarios/{timeline['name']}", json=body)
    assert r.status_code == 200, r.text
    assert len(r.json()["steps"]) == len(timeline["steps"])


def test_strategies_produce_the_vendor_reality_statuses():
    """The shipped vendor-reality scenarios' statuses (JoggAI `success`/`fail`, HeyGen `training`)
    come out of vendor_bodies and timelines, not only the documented ones."""
    wanted = {"joggai.avatar_video": {"success", "fail"}, "heygen.photo_avatar_train_status": {"training"}}
    for op_name, words in wanted.items():
        profile = CATALOG.operations[op_name].profile
        seen: set[str] = set()
        steps: set[str] = set()

        @settings(max_examples=150, derandomize=True, database=None)
        @given(
            strategies.vendor_bodies(op_name, catalog=CATALOG, errors=False),
            strategies.timelines(op_name, catalog=CATALOG),
        )
        def collect(sent, timeline):
            seen.add(status_of(sent[1], profile))
            steps.update(str(status_of(s["body"], profile)) for s in timeline["steps"] if "body" in s)

        collect()
        assert words <= seen, (op_name, seen)
        assert words <= steps, (op_name, steps)
