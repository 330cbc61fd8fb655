"""The reference client, tested with the kit's pytest plugin: a scenario per failure.

Copy this file and polling_client.py into your project; they need only the package, pytest and
httpx (`pip install mockserver pytest httpx`). The `mockserver` fixture comes from the installed
plugin (no conftest): a live fake on 127.0.0.1 with the shipped scenarios and a virtual clock,
reset before each test. The property tests are in test_polling_client_properties.py (kit extra).
"""

from __future__ import annotations

import httpx
import pytest
from polling_client import HEYGEN, JOGGAI, Finished, RenderError, RenderTimeout, poll_until_done

KEY = {"x-api-key": "my-key"}
# operation -> (vendor, how to poll an id)
TARGETS = {
    "heygen.video_status": (HEYGEN, lambda i: ("/v1/video_status.get", {"video_id": i})),
    "heygen.video_avatar": (HEYGEN, lambda i: (f"/v2/video_avatar/{i}", None)),
    "heygen.photo_avatar_train_status": (HEYGEN, lambda i: (f"/v2/photo_avatar/train/status/{i}", None)),
    "joggai.avatar_video": (JOGGAI, lambda i: (f"/v2/avatar_video/{i}", None)),
    "joggai.photo_avatar_photo": (JOGGAI, lambda i: ("/v2/photo_avatar/photo", {"photo_id": i})),
}
MAX_POLLS = 12


def run(fake, operation: str, resource_id: str, max_polls: int = MAX_POLLS):
    vendor, where = TARGETS[operation]
    path, params = where(resource_id)
    with httpx.Client(base_url=fake.url, headers=KEY, timeout=5) as client:
        return poll_until_done(client, vendor, path, params, max_polls=max_polls, sleep=lambda s: None)


@pytest.mark.parametrize("operation", sorted(TARGETS))
def test_happy_path(mockserver, operation):
    result = run(mockserver, operation, "job-1")
    assert isinstance(result, Finished)
    assert result.data.get("status") in ("completed", "complete", "ready", "success")


@pytest.mark.parametrize(
    ("operation", "resource_id", "kind", "reason"),
    [
        ("heygen.video_status", "fail-1", "RenderFailed", "Video is too long (> 3600.0s)"),
        ("heygen.video_avatar", "fail-footage-1", "RenderFailed", "Invalid training footage format."),
        ("heygen.video_avatar", "fail-1", "RenderFailed", "Object download failed"),
        ("heygen.photo_avatar_train_status", "fail-1", "RenderFailed", "no face detected"),
        ("joggai.avatar_video", "fail-1", "RenderFailed", "Generation failed"),
        ("joggai.photo_avatar_photo", "fail-1", "RenderFailed", "Generation failed"),
        ("heygen.video_status", "notfound-1", "NotFound", "Video not found"),
        ("joggai.avatar_video", "notfound-1", "NotFound", "Record not found"),
        ("heygen.video_status", "badkey-1", "Unauthorized", "Unauthorized"),
        ("joggai.photo_avatar_photo", "badkey-1", "Unauthorized", "Invalid API key"),
        ("joggai.avatar_video", "nocredit-1", "InsufficientCredit", "Insufficient credit"),
        ("joggai.avatar_video", "denied-1", "NoPermission", "No permission"),
    ],
)
def test_each_failure_is_typed(mockserver, operation, resource_id, kind, reason):
    with pytest.raises(RenderError) as caught:
        run(mockserver, operation, resource_id)
    assert caught.value.kind == kind
    assert reason in caught.value.message


def test_video_too_long_keeps_the_vendor_code(mockserver):
    with pytest.raises(RenderError) as caught:
        run(mockserver, "heygen.video_status", "fail-2")
    assert caught.value.code == 40119


@pytest.mark.parametrize(
    "prefix", ["ratelimit-", "flaky-", "reset-", "empty-", "truncated-", "malformed-", "slow-"]
)
@pytest.mark.parametrize("operation", ["heygen.video_status", "joggai.avatar_video"])
def test_transient_trouble_then_success(mockserver, operation, prefix):
    result = run(mockserver, operation, prefix + "1")
    assert isinstance(result, Finished)
    polls = mockserver.requests(operation, prefix + "1")
    assert len(polls) == result.polls


def test_stuck_render_times_out(mockserver):
    with pytest.raises(RenderTimeout):
        run(mockserver, "heygen.video_status", "stuck-1", max_polls=5)
    assert len(mockserver.requests("heygen.video_status", "stuck-1")) == 5


def test_virtual_time_walks_a_long_render(mockserver):
    mockserver.bind("long-1", "heygen-twin-happy-path")
    with pytest.raises(RenderTimeout):
        run(mockserver, "heygen.video_avatar", "long-1", max_polls=3)
    mockserver.advance(300)  # five virtual minutes
    assert isinstance(run(mockserver, "heygen.video_avatar", "long-1"), Finished)


@pytest.mark.mockserver_allow_violations
def test_a_client_without_its_key_is_caught(mockserver):
    with httpx.Client(base_url=mockserver.url, timeout=5) as client:
        with pytest.raises(RenderError) as caught:
            poll_until_done(client, HEYGEN, "/v1/video_status.get", {"video_id": "x"}, sleep=lambda s: None)
    assert caught.value.kind == "Unauthorized"
    assert [v["message"] for v in mockserver.violations()] == ["missing the x-api-key header"]
