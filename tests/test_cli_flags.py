"""Every bad flag of every command is one line and exit 2; `serve` and `check` pair by default."""

from __future__ import annotations

import pytest

from .conftest import LiveServer, run_cli

BAD_FLAGS = {
    "check-not-a-url": (["check", "--base-url", "notaurl"], "--base-url notaurl"),
    "check-no-scheme-host": (["check", "--base-url", "http://"], "--base-url http://"),
    "check-ftp": (["check", "--base-url", "ftp://example.org"], "--base-url ftp://"),
    "check-bad-port": (["check", "--base-url", "http://127.0.0.1:abc"], "--base-url http://127.0.0.1:abc"),
    "check-no-base-url": (["check"], "--base-url"),
    "check-zero-examples": (
        ["check", "--base-url", "http://127.0.0.1:1", "--max-examples", "0"],
        "--max-examples",
    ),
    "check-bad-spec-choice": (["check", "--base-url", "http://127.0.0.1:1", "--spec", "nope"], "--spec"),
    "serve-port-not-a-number": (["serve", "--port", "abc"], "--port"),
    "serve-unknown-flag": (["serve", "--bogus"], "--bogus"),
    "serve-bad-clock": (["serve", "--clock", "fast"], "--clock"),
    "lint-extra-argument": (["lint", "extra"], "extra"),
    "unknown-command": (["nosuch"], "nosuch"),
}


@pytest.mark.parametrize("case", sorted(BAD_FLAGS))
def test_bad_flag_is_one_line_and_exit_2(case):
    args, where = BAD_FLAGS[case]
    result = run_cli(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert where in lines[0] and "Fix:" in lines[0], lines[0]


def test_check_against_an_unreachable_server_is_one_line():
    result = run_cli("check", "--base-url", "http://127.0.0.1:1", "--max-examples", "1")
    assert result.returncode == 2 and result.stderr.strip().splitlines() == [
        "mockserver: http://127.0.0.1:1: cannot connect (ConnectionError). Fix: start the server or fix --base-url"
    ]


def _serve_then_check(tmp_path, *serve_args: str):
    server = LiveServer(tmp_path, *serve_args)
    try:
        return run_cli("check", "--base-url", server.url, "--max-examples", "2", timeout=300)
    finally:
        server.stop()


def test_default_serve_and_default_check_pass(tmp_path):
    """`mockserver serve` as started by default, then `mockserver check` against it: exit 0, and one
    line that says the one check a default fake cannot meet (ignored_auth) and how to start it for it;
    JoggAI's refusals in HTTP 200 bodies meet every other check."""
    result = _serve_then_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 distinct failures" in result.stdout
    note = result.stderr.strip().splitlines()
    assert len(note) == 1 and "ignored_auth" in note[0], result.stderr
    assert "'mockserver serve --api-key contract-key --http-errors'" in note[0], result.stderr


def test_a_fake_with_keys_and_http_errors_gets_every_check(tmp_path):
    result = _serve_then_check(tmp_path, "--api-key", "contract-key", "--http-errors")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped" not in result.stderr


def test_check_with_a_key_the_server_refuses_is_one_line(tmp_path):
    """A wrong --api-key has every request answered 401: that is no pass ("0 distinct failures")
    but the user's mistake, said in one line, exit 2."""
    server = LiveServer(tmp_path, "--api-key", "contract-key", "--http-errors")
    try:
        wrong = run_cli(
            "check", "--base-url", server.url, "--api-key", "wrong", "--max-examples", "2", timeout=300
        )
        right = run_cli(
            "check", "--base-url", server.url, "--api-key", "contract-key", "--max-examples", "2", timeout=300
        )
    finally:
        server.stop()
    assert wrong.returncode == 2, wrong.stdout + wrong.stderr
    (line,) = wrong.stderr.strip().splitlines()
    assert line.startswith("mockserver: --api-key: ") and "refused the key" in line and "Fix:" in line, line
    assert "distinct failures" not in wrong.stdout
    assert right.returncode == 0 and "0 distinct failures" in right.stdout, right.stdout + right.stderr
