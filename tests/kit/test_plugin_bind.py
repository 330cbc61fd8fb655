"""`mockserver.bind(id, "<cross-cutting>")` with no operation binds where the scenario applies, and
cross-cutting scenarios shape create calls too: a user's test run in a subprocess, as a user would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

USER_TESTS = """
import httpx

KEY = {"x-api-key": "k"}
BODY = {"video_inputs": [{"character": {"type": "avatar", "avatar_id": "a1"},
        "voice": {"type": "text", "input_text": "Hi", "voice_id": "v1"}}]}


def test_bind_a_cross_cutting_scenario_without_an_operation(mockserver):
    mockserver.bind("job-1", "rate-limited-twice")
    codes = [
        httpx.get(mockserver.url + "/v1/video_status.get", params={"video_id": "job-1"}, headers=KEY).status_code
        for _ in range(3)
    ]
    assert codes == [429, 429, 200]


def test_a_500_then_a_429_on_the_create_call(mockserver):
    create = mockserver.url + "/v2/video/generate"
    mockserver.bind("k", "server-error-once", "heygen.post_video_generate")  # a create call: by API key
    first, second = (httpx.post(create, json=BODY, headers=KEY) for _ in range(2))
    assert first.status_code == 500 and second.json()["data"]["video_id"]
    mockserver.bind("k", "rate-limited-twice", "heygen.post_video_generate")
    codes = [httpx.post(create, json=BODY, headers=KEY).status_code for _ in range(3)]
    assert codes == [429, 429, 200]


def test_my_scenarios_come_on_top_of_the_library(mockserver):
    names = {s["name"] for s in httpx.get(mockserver.url + "/__mock/scenarios").json()}
    assert {"mine", "rate-limited-twice"} <= names
"""

MINE = """scenarios:
  - name: mine
    operation: heygen.video_status
    steps:
      - example: Failed
"""


def test_plugin_binds_cross_cutting_scenarios(tmp_path: Path):
    (tmp_path / "scen").mkdir()
    (tmp_path / "scen" / "mine.yaml").write_text(MINE)
    (tmp_path / "pytest.ini").write_text("[pytest]\nmockserver_scenarios = scen\n")
    (tmp_path / "test_user.py").write_text(USER_TESTS)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 passed" in result.stdout
