"""Defence in depth: a value the input checks should have refused never makes a render raise.

A lone surrogate or a NaN that reached a step body (by a path no check covers yet) made every
poll of that scenario a 500 with a traceback, and a NaN went out as `{"a":NaN}`, not JSON.
"""

from __future__ import annotations

import json
import math

from mockserver.engine.render import dump
from mockserver.engine.scenario import Scenario, Step

from .test_fake import fake, poll  # noqa: F401  (the fixture)

UNSENDABLE = {"a": "x\ud800y", "b": math.nan, "\udc00": [math.inf, -math.inf], "ok": 1.5}
SENT = {"a": "x\ufffdy", "b": None, "\ufffd": [None, None], "ok": 1.5}


def test_dump_sends_json_for_any_value():
    raw = dump(UNSENDABLE)
    assert json.loads(raw.decode("utf-8"), parse_constant=lambda word: math.nan) == SENT


def test_a_step_body_past_the_checks_is_served_as_json(fake):  # noqa: F811
    step = Step("status", 200, body=UNSENDABLE)
    fake.store.add_scenario(Scenario("raw", "heygen.video_status", [step]))
    for _ in range(2):
        answer = poll(fake, "vid-raw", {"x-mock-scenario": "raw"})
        assert answer.status == 200
        payload = answer.payload if answer.payload is not None else dump(answer.body)
        served = json.loads(payload, parse_constant=lambda word: math.nan)
        assert {k: served[k] for k in SENT} == SENT
