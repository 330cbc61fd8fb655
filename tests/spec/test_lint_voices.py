"""Lint messages keep three voices apart: what the spec documents, what the profile knows, what the fake infers.

Every message and repair is read, segment by segment (`;`-separated): a segment that names an HTTP
status must open with its voice, and a status said in the vendor's voice must be one the vendor's
document lists (`documented`) or one the profile holds as known, not inferred (`known`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ..conftest import KEY

STATUS = re.compile(r"\b([1-5]\d\d)\b")
VOICES = ("documented", "known", "inferred", "mockserver")


def _documented_codes(catalog, spec_label: str) -> set[int]:
    return {
        int(code)
        for op in catalog.operations.values()
        if op.spec.label == spec_label
        for code in op.raw.get("responses") or {}
        if str(code).isdigit()
    }


def _known_codes(profile) -> set[int]:
    return {err.status for err in profile.errors.values() if not err.inferred}


def misstatements(text: str, documented: set[int], known: set[int]) -> list[str]:
    """Segments that state an HTTP status in the vendor's voice without the vendor's word for it."""
    wrong = []
    for segment in text.split(";"):
        codes = {int(c) for c in STATUS.findall(segment.split("HTTP", 1)[1])} if "HTTP" in segment else set()
        if not codes:
            continue
        voice = segment.strip().split(":", 1)[0].split(" ", 1)[0]
        if voice not in VOICES:
            wrong.append(f"no voice: {segment.strip()!r}")
            continue
        allowed = documented if voice == "documented" else documented | known if voice == "known" else None
        if allowed is not None and codes - allowed:
            wrong.append(f"{voice} states {sorted(codes - allowed)}: {segment.strip()!r}")
    return wrong


def test_the_reader_catches_the_old_undocumented_error_message():
    """The check can fail: the message the lint used to print for JoggAI is caught."""
    old = "the vendor answers HTTP 400 (invalid_parameter), 401 (unauthorized), which the spec does not document"
    assert misstatements(old, {200}, {200})
    assert misstatements("documented: HTTP 200, 429", {200}, {200, 429})
    assert misstatements("known (profile heygen): HTTP 402", {200}, {401, 404})
    assert not misstatements("inferred: mockserver answers HTTP 402", {200}, {401})


def test_no_message_states_an_undocumented_or_inferred_status_as_the_vendors(catalog):
    wrong = []
    for f in catalog.findings:
        profile = next(op.profile for op in catalog.operations.values() if op.spec.label == f.spec)
        documented = _documented_codes(catalog, f.spec)
        for text in (f.message, f.repair):
            wrong += [
                f"{Path(f.spec).name} {f.kind}: {w}"
                for w in misstatements(text, documented, _known_codes(profile))
            ]
    assert wrong == []


def test_undocumented_error_names_each_voice(catalog):
    by = {(Path(f.spec).name, f.kind): f for f in catalog.findings}
    joggai = by[("avatar_video.yaml", "undocumented-error")].message
    assert "errors come as HTTP 200 with the error code in the body" in joggai
    assert "mockserver: with --http-errors" in joggai
    assert "the vendor answers" not in joggai
    heygen = by[("video_status.json", "undocumented-error")].message
    assert "known (profile heygen, NOTES.md" in heygen and "HTTP 401 (unauthorized)" in heygen
    inferred = heygen.split("inferred:", 1)[1]
    for name in ("insufficient_credit", "no_permission", "rate_limited", "server_error"):
        assert name in inferred


def test_null_data_from_the_fakes_own_error_bodies_says_so(catalog):
    own = [f for f in catalog.findings if f.kind == "example-null" and "own error bodies" in f.message]
    assert {Path(f.spec).name for f in own} == {"avatar_video.yaml", "photo_avatar_status.yaml"}
    for f in own:
        assert f.message.startswith("inferred: mockserver's own error bodies")


def _empty_id_request(op, param):
    if param.location == "path":
        return op.path.replace("{" + param.name + "}", "")
    return f"{op.path}?{param.name}="


@pytest.mark.parametrize(
    "name", ["photo_avatar_train_status", "video_avatar", "video_status", "avatar_video", "photo"]
)
def test_empty_id_repair_says_what_http_really_answers(catalog, client, name):
    """The repair of each `empty-required-id` is checked over HTTP, as the fake answers it."""
    op = next(o for o in catalog.operations.values() if o.name.split(".", 1)[1].startswith(name))
    (finding,) = [
        f
        for f in catalog.findings
        if f.kind == "empty-required-id" and f.pointer.startswith(op.pointer + "/")
    ]
    param = op.id_parameter
    r = client.request(op.method, _empty_id_request(op, param), headers=KEY, follow_redirects=False)
    if "redirected (307)" in finding.repair:
        assert r.status_code == 307
        r = client.request(op.method, r.headers["location"], headers=KEY, follow_redirects=False)
        assert r.status_code == 405 and "error" in r.json()
    elif "matches no route" in finding.repair:
        assert r.status_code == 404 and r.json()["error"].startswith("no route")
    else:
        err = op.profile.errors["invalid_parameter"]
        assert f"HTTP {err.status}" in finding.repair
        assert r.status_code == err.status
        assert r.json() == err.render(f"missing required {param.location} parameter '{param.name}'")
