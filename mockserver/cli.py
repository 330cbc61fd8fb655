"""The `mockserver` command: serve, lint, spec.

User mistakes come out as one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import ipaddress
import json
import signal
import socket
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .catalog import Catalog
from .errors import ConfigError
from .state import DEFAULT_SCENARIOS, DEFAULT_SPECS


def user_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Print a ConfigError as its one line and exit 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ConfigError as exc:
            click.echo(f"mockserver: {exc.line()}", err=True)
            sys.exit(2)

    return wrapper


specs_option = click.option(
    "--specs",
    "specs_dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_SPECS,
    show_default="the shipped specs/",
    help="Folder of OpenAPI files (JSON or YAML), searched recursively.",
)


@click.group()
@click.version_option(package_name="mockserver")
def main() -> None:
    """A faithful local HeyGen and JoggAI for CI."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port; 0 picks a free one.")
@specs_option
@click.option(
    "--scenarios",
    "scenarios_dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_SCENARIOS,
    show_default="the shipped scenarios/",
    help="Folder of scenario YAML files.",
)
@click.option("--no-scenarios", is_flag=True, help="Load no scenario files; every id gets its default.")
@click.option("--clock", type=click.Choice(["real", "virtual"]), default="real", show_default=True)
@click.option(
    "--clock-speed",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="With the real clock: run time this many times faster (100 walks a 10-minute render in 6 s).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Answer request violations with the vendor's error instead of recording them.",
)
@click.option(
    "--http-errors",
    is_flag=True,
    help="Real HTTP statuses for vendors that put errors in a 200 body (JoggAI).",
)
@click.option(
    "--api-key", "api_keys", multiple=True, help="Accept only these keys (repeatable). Default: any key."
)
@click.option("--timeline-cap", default=100_000, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--journal-size", default=10_000, show_default=True, type=click.IntRange(min=1), help="Journal ring size."
)
@click.option("--polls-per-state", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", type=int, default=None, help="Seed for drawn delays, so a run repeats.")
@click.option(
    "--admin-token",
    envvar="MOCKSERVER_ADMIN_TOKEN",
    default=None,
    help="Require 'Authorization: Bearer TOKEN' on /__mock. Needed to listen beyond 127.0.0.1. "
    "Env: MOCKSERVER_ADMIN_TOKEN.",
)
@click.option(
    "--vendor-urls",
    is_flag=True,
    help="Keep the vendor's media URLs in bodies instead of signed links to the fake's own files.",
)
@click.option(
    "--ready-file", type=click.Path(path_type=Path), default=None, help="Write the URL here once ready."
)
@user_errors
def serve(
    host: str,
    port: int,
    specs_dir: Path,
    scenarios_dir: Path,
    no_scenarios: bool,
    clock: str,
    clock_speed: float,
    strict: bool,
    http_errors: bool,
    api_keys: tuple[str, ...],
    timeline_cap: int,
    journal_size: int,
    polls_per_state: int,
    seed: int | None,
    admin_token: str | None,
    vendor_urls: bool,
    ready_file: Path | None,
) -> None:
    """Run the fake on uvicorn."""
    import uvicorn

    from .app import create_app

    if not is_loopback(host) and not admin_token:
        raise ConfigError(
            f"--host {host}",
            "",
            "the admin API would be open to the network",
            "set --admin-token (or MOCKSERVER_ADMIN_TOKEN), or listen on 127.0.0.1",
        )

    app = create_app(
        specs_dir,
        None if no_scenarios else scenarios_dir,
        clock=clock,
        clock_speed=clock_speed,
        strict=strict,
        http_errors=http_errors,
        api_keys=frozenset(api_keys) if api_keys else None,
        timeline_cap=timeline_cap,
        journal_size=journal_size,
        polls_per_state=polls_per_state,
        seed=seed,
        admin_token=admin_token,
        vendor_urls=vendor_urls,
    )
    sock = bind_socket(host, port)
    # Everything loaded so far lives for the whole run: keep it out of the collector's scans.
    gc.collect()
    gc.freeze()
    # No WebSocket routes: ws="none" spares importing a WebSocket library, 40 ms of start-up.
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=4, ws="none"
    )
    server = uvicorn.Server(config)
    actual = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{actual}"
    mock = app.state.mock
    vendors = Counter(op.vendor for op in mock.catalog.operations.values())

    async def run() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.01)
        if server.started:
            by_vendor = ", ".join(f"{v}: {n}" for v, n in sorted(vendors.items()))
            click.echo(
                f"mockserver ready at {url} serving {len(mock.catalog.operations)} operations ({by_vendor}), "
                f"{len(mock.scenarios)} scenarios, {clock} clock; admin API at {url}/__mock/",
                err=False,
            )
            sys.stdout.flush()
            if ready_file:
                ready_file.write_text(url + "\n")
        await task

    # uvicorn drains in-flight requests on SIGTERM/SIGINT, then re-raises the signal to the
    # handler it found: make that handler a clean exit 0 instead of death by signal.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _exit_cleanly)
    with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:  # uvloop where installed
        runner.run(run())


def _exit_cleanly(signum: int, frame: object) -> None:
    sys.exit(0)


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind before starting uvicorn, so a port in use is one clear line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto IPPROTO_TCP so asyncio sets TCP_NODELAY on accepted connections: without it Nagle's
    # algorithm and delayed ACKs hold each response back by about 40 ms.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"{host}:{port}",
            "",
            f"cannot listen there ({exc.strerror})",
            "stop what uses the port, or pick another with --port (0 picks a free one)",
        ) from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


@main.command()
@specs_option
@click.option(
    "--json", "as_json", is_flag=True, help="A JSON array of {spec, pointer, kind, message, repair}."
)
@user_errors
def lint(specs_dir: Path, as_json: bool) -> None:
    """List every place where a vendor spec contradicts itself, and the repair applied."""
    catalog = Catalog(specs_dir)
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in catalog.findings], indent=2))
        return
    current = None
    for f in catalog.findings:
        if f.spec != current:
            current = f.spec
            click.echo(click.style(f.spec, bold=True))
        click.echo(f"  {f.kind:<24} {f.pointer}")
        click.echo(f"    {f.message}")
        click.echo(f"    repair: {f.repair}")
    counts = Counter(f.kind for f in catalog.findings)
    summary = ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))
    click.echo(f"{len(catalog.findings)} findings in {len(catalog.specs)} specs: {summary}")


@main.command()
@specs_option
@click.option(
    "--effective/--published", default=True, help="The repaired spec (default) or the published one."
)
@user_errors
def spec(specs_dir: Path, effective: bool) -> None:
    """Print the combined OpenAPI document as JSON."""
    catalog = Catalog(specs_dir)
    click.echo(json.dumps(catalog.effective if effective else catalog.published(), indent=2))


@main.command()
@click.option("--base-url", required=True, help="The server to check: this fake, or the vendor itself.")
@click.option("--api-key", default="contract-key", show_default=True, help="Sent as x-api-key.")
@specs_option
@click.option(
    "--spec", "which", type=click.Choice(["effective", "published"]), default="effective", show_default=True
)
@click.option(
    "--operation", "operations", multiple=True, help="Only these operations (fnmatch patterns, repeatable)."
)
@click.option("--max-examples", default=10, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--vendor-defaults",
    is_flag=True,
    help="Skip the checks that need real HTTP errors for a bad key or missing parameter "
    "(JoggAI answers those with HTTP 200 and a code in the body).",
)
@user_errors
def check(
    base_url: str,
    api_key: str,
    specs_dir: Path,
    which: str,
    operations: tuple[str, ...],
    max_examples: int,
    vendor_defaults: bool,
) -> None:
    """Run schemathesis's checks against a live server; exit 1 on any failure."""
    import fnmatch

    try:
        import requests
        from schemathesis.specs.openapi.checks import (
            ignored_auth,
            missing_required_header,
            negative_data_rejection,
        )

        from .contract import ContractRun, Target
    except ImportError as exc:
        raise ConfigError(
            "mockserver check",
            "",
            f"the contract kit is not installed ({exc.name} is missing)",
            "pip install 'mockserver[kit]' (in this repository: pip install -e '.[kit]')",
        ) from None

    catalog = Catalog(specs_dir)
    document = catalog.effective if which == "effective" else catalog.published()
    if operations:
        for path, item in list(document["paths"].items()):
            for method in list(item):
                if not any(fnmatch.fnmatch(item[method].get("operationId", ""), p) for p in operations):
                    del item[method]
            if not item:
                del document["paths"][path]
        if not document["paths"]:
            raise ConfigError(
                "--operation",
                "",
                f"no operation matches {', '.join(operations)}",
                f"use one of {', '.join(catalog.operations)}",
            )
    base = base_url.rstrip("/")
    try:
        health = requests.get(base + "/__mock/health", timeout=5)
        is_fake = health.status_code == 200 and health.json().get("status") == "ok"
    except (requests.RequestException, ValueError):
        is_fake = False
    target = Target(base_url=base, api_key=api_key, reset_url="/__mock/reset" if is_fake else None)
    excluded = (ignored_auth, negative_data_rejection, missing_required_header) if vendor_defaults else ()
    try:
        run = ContractRun(document, target, max_examples=max_examples, excluded_checks=excluded)
        failures = run.run()
    except requests.ConnectionError as exc:
        raise ConfigError(
            base, "", f"cannot connect ({exc.__class__.__name__})", "start the server or fix --base-url"
        ) from None
    for failure in failures:
        click.echo(failure.line())
    click.echo(f"{run.cases} cases against {base} ({which} spec): {len(failures)} distinct failures")
    sys.exit(1 if failures else 0)
