"""The pytest plugin: a live fake for the test session, and the in-process app.

Registered through the `pytest11` entry point, so `pip install mockserver` is enough:

- `mockserver`: a live fake on a free 127.0.0.1 port, started once per session and reset
  before every test. Use `.url` with any HTTP client; `.bind`, `.advance`, `.register`,
  `.set_credit`, `.credit`, `.requests`, `.violations`, `.reset` drive it.
- `mockserver_app`: a fresh in-process ASGI app, for `httpx.ASGITransport(app)`.

A test that leaves request violations in the journal (a missing key, a missing parameter)
fails with the list, unless it is marked `@pytest.mark.mockserver_allow_violations`.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import Field
from typing import Any

import pytest

from ..engine.options import VALUE_TYPES, field_kind, flag_name, option_fields

PLUGIN_DEFAULTS = {"clock": "virtual"}  # tests want time that moves only when they say so


def _ini_name(field: Field[Any]) -> str:
    """`--http-errors` -> `mockserver_http_errors`: the ini key of an Options field."""
    return "mockserver_" + flag_name(field).lstrip("-").replace("-", "_")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver")
    group.addoption("--mockserver-specs", default=None, help="Specs folder for the mockserver fixtures.")
    group.addoption(
        "--mockserver-scenarios", default=None, help="Scenarios folder for the mockserver fixtures."
    )
    for field in option_fields():
        default = PLUGIN_DEFAULTS.get(field.name, field.default)
        kind = "linelist" if field_kind(field) == "keys" else "string"
        parser.addini(
            _ini_name(field), f"{field.metadata['help']} (default: {default})", type=kind, default=None
        )


def pytest_configure(config: pytest.Config) -> None:
    if _uses_the_fake(config):
        _checked_options(config)
    config.addinivalue_line(
        "markers", "mockserver_allow_violations: the test may leave request violations in the fake's journal"
    )


def _app_options(config: pytest.Config) -> dict[str, Any]:
    """Options from the ini keys (and the two command-line flags), typed like the Options fields."""
    out: dict[str, Any] = dict(PLUGIN_DEFAULTS)
    for field in option_fields():
        raw = config.getini(_ini_name(field))
        if raw in (None, "", []):
            continue
        out[field.name] = _typed(field_kind(field), raw)
    specs = config.getoption("--mockserver-specs")
    scenarios = config.getoption("--mockserver-scenarios")
    if specs:
        out["specs_dir"] = specs
    if scenarios:
        out["scenarios_dir"] = scenarios
    return out


def _typed(kind: str, raw: Any) -> Any:
    if kind == "bool":
        return str(raw).strip().lower() in ("true", "1", "yes", "on")
    if kind == "keys":
        return frozenset(raw)
    return VALUE_TYPES[kind](raw)


def _uses_the_fake(config: pytest.Config) -> bool:
    """Only sessions that set a mockserver key pay for checking them."""
    return any(config.getini(_ini_name(f)) not in (None, "", []) for f in option_fields()) or bool(
        config.getoption("--mockserver-specs", None) or config.getoption("--mockserver-scenarios", None)
    )


def _checked_options(config: pytest.Config) -> dict[str, Any]:
    """The fixtures' options, checked: a bad ini value is one line from pytest, not a traceback per test."""
    from ..engine.options import Options
    from ..spec.errors import ConfigError

    try:
        options = _app_options(config)
        Options(**options)
    except (ValueError, ConfigError) as exc:
        raise pytest.UsageError(f"mockserver: {exc}") from None
    return options


class LiveFake:
    """A handle on a running fake: its URL and its admin API."""

    def __init__(self, url: str) -> None:
        self.url = url

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - our own 127.0.0.1 URL
            self.url + path, data=data, method=method, headers={"content-type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own 127.0.0.1 URL
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"mockserver admin {method} {path}: {exc.read().decode()}") from None

    def bind(self, resource_id: str, scenario: str, operation: str | None = None) -> None:
        """Bind an id to a scenario: on `operation`, or on every operation that polls an id and takes
        the scenario. A create call's own scenario (a 429, a 500) is bound by API key: name the call."""
        for op in [operation] if operation else self._targets(scenario):
            self._call(
                "PUT",
                f"/__mock/bindings/{op}/{urllib.parse.quote(resource_id, safe='')}",
                {"scenario": scenario},
            )

    def _targets(self, scenario: str) -> list[str]:
        """The scenario's own operation, or, for a `*` one, every operation that polls an id."""
        known = {s["name"]: s["operation"] for s in self._call("GET", "/__mock/scenarios")}
        if scenario not in known:
            raise AssertionError(f"unknown scenario '{scenario}'; known: {', '.join(known)}")
        if known[scenario] != "*":
            return [known[scenario]]
        return [r["operation"] for r in self._call("GET", "/__mock/routes") if r["polled"]]

    def register(self, scenario: dict[str, Any]) -> str:
        """Register a scenario (the file format as a dict), e.g. one drawn by `strategies.timelines`."""
        body = {k: v for k, v in scenario.items() if k != "name"}
        self._call("PUT", f"/__mock/scenarios/{urllib.parse.quote(scenario['name'], safe='')}", body)
        return str(scenario["name"])

    def advance(self, seconds: float) -> float:
        return float(self._call("POST", "/__mock/clock/advance", {"seconds": seconds})["now"])

    def requests(self, operation: str | None = None, resource_id: str | None = None) -> list[dict[str, Any]]:
        query = urllib.parse.urlencode(
            {k: v for k, v in {"operation": operation, "id": resource_id}.items() if v}
        )
        return list(self._call("GET", "/__mock/requests" + (f"?{query}" if query else "")))

    def violations(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/__mock/violations"))

    def set_credit(self, key: str, credit: float, account: str | None = None) -> None:
        """Set an API key's balance on one account (e.g. 'heygen'), or, without one, on every account."""
        for name in [account] if account else self._accounts():
            self._call("PUT", self._credit_path(name, key), {"credit": credit})

    def credit(self, key: str, account: str | None = None) -> float:
        """An API key's balance on one account; without one, the balance it has on every account."""
        names = [account] if account else self._accounts()
        found = {name: self._call("GET", self._credit_path(name, key))["credit"] for name in names}
        if len(set(found.values())) > 1:
            shown = ", ".join(f"{n} {c}" for n, c in found.items())
            raise AssertionError(f"key '{key}' has different balances ({shown}); name the account")
        return next(iter(found.values()))

    def _accounts(self) -> list[str]:
        return [a["account"] for a in self._call("GET", "/__mock/accounts")]

    @staticmethod
    def _credit_path(account: str, key: str) -> str:
        return f"/__mock/accounts/{urllib.parse.quote(account, safe='')}/{urllib.parse.quote(key, safe='')}"

    def reset(self, resource_id: str | None = None) -> None:
        self._call("POST", "/__mock/reset", {"id": resource_id} if resource_id else {})
        if resource_id is None:
            self._call("DELETE", "/__mock/violations")


@pytest.fixture(scope="session")
def _mockserver_session(pytestconfig: pytest.Config) -> Iterator[LiveFake]:
    from ..server.app import create_app
    from ..server.runner import BackgroundServer

    server = BackgroundServer(create_app(**_checked_options(pytestconfig)))
    try:
        yield LiveFake(server.url)
    finally:
        server.stop()


@pytest.fixture
def mockserver(_mockserver_session: LiveFake) -> LiveFake:
    """The session's live fake, reset for this test."""
    _mockserver_session.reset()
    return _mockserver_session


@pytest.fixture
def mockserver_app(pytestconfig: pytest.Config) -> Any:
    """A fresh in-process fake, for `httpx.AsyncClient(transport=httpx.ASGITransport(app))`."""
    from ..server.app import create_app

    return create_app(**_checked_options(pytestconfig))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    result = yield
    fixturenames = getattr(item, "fixturenames", ())
    if "mockserver" in fixturenames and item.get_closest_marker("mockserver_allow_violations") is None:
        fake = item.funcargs.get("mockserver")  # type: ignore[attr-defined]
        if isinstance(fake, LiveFake):
            found = [v for v in fake.violations() if v["kind"] != "tolerated"]  # the vendor accepts those
            if found:
                lines = "\n".join(
                    f"  {v['method']} {v['path']} ({v['operation']}): {v['message']} [{v['spec']}#{v['pointer']}]"
                    for v in found
                )
                raise AssertionError(
                    f"the client broke the vendor's spec in {len(found)} request(s):\n{lines}\n"
                    "(mark the test @pytest.mark.mockserver_allow_violations if that is intended)"
                )
    return result
