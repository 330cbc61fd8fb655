"""The `mockserver` command: serve, lint, spec, check.

User mistakes come out as one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import Field
from pathlib import Path
from typing import Any

import click

from .engine.options import VALUE_TYPES, field_kind, flag_name, option_fields
from .server.ready_file import ReadyFile
from .spec.catalog import Catalog
from .spec.errors import ConfigError


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


def _flag(field: Field[Any]) -> Callable[[Any], Any]:
    """One `serve` flag from one Options field: its default, help and type are the field's."""
    kind = field_kind(field)
    meta = field.metadata
    kw: dict[str, Any] = {"help": meta["help"], "default": field.default, "show_default": True}
    names = [flag_name(field)]
    if kind == "bool":
        kw["is_flag"] = True
        if field.default is True:  # on unless turned off: --thing/--no-thing
            names = [f"{names[0]}/--no-{names[0][2:]}"]
    elif meta.get("choices"):
        kw["type"] = click.Choice(meta["choices"])
    elif kind == "Path":
        kw["type"] = click.Path(path_type=Path)
        kw["show_default"] = f"the shipped {field.default.name}/" if field.default else False
    elif kind == "keys":
        kw.update(multiple=True, default=(), show_default=False)
    else:
        kw["type"] = VALUE_TYPES[kind]
    if meta.get("envvar"):
        kw["envvar"] = meta["envvar"]
    return click.option(*names, field.name, **kw)


def specs_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`--specs`, for the commands that only read specs."""
    return _flag(next(f for f in option_fields() if f.name == "specs_dir"))(fn)


def options_flags(fn: Callable[..., Any]) -> Callable[..., Any]:
    for field in reversed(option_fields()):
        fn = _flag(field)(fn)
    return fn


class OneLineGroup(click.Group):
    """Click's usage errors (an unknown flag, a bad value) as one line and exit 2, like ours."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.pop("standalone_mode", None)
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "mockserver"
            helping = f"{where} --help"
            message = " ".join(exc.format_message().split()).rstrip(".")
            stop = "" if message.endswith("?") else "."
            click.echo(f"{where}: {message}{stop} Fix: see '{helping}'", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"mockserver: {' '.join(exc.format_message().split())}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("mockserver: aborted", err=True)
            sys.exit(1)


@click.group(cls=OneLineGroup)
@click.version_option(package_name="mockserver")
def main() -> None:
    """A faithful local HeyGen and JoggAI for CI."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port; 0 picks a free one.")
@click.option("--no-scenarios", is_flag=True, help="Load no scenario files; every id gets its default.")
@click.option(
    "--ready-file", type=click.Path(path_type=Path), default=None, help="Write the URL here once ready."
)
@options_flags
@user_errors
def serve(host: str, port: int, no_scenarios: bool, ready_file: Path | None, **flags: Any) -> None:
    """Run the fake on uvicorn."""
    from .server.app import create_app
    from .server.runner import bind_socket, is_loopback
    from .server.runner import serve as run

    if not is_loopback(host) and not flags["admin_token"]:
        raise ConfigError(
            f"--host {host}",
            "",
            "the admin API would be open to the network",
            "set --admin-token (or MOCKSERVER_ADMIN_TOKEN), or listen on 127.0.0.1",
        )
    ready_to = ReadyFile(ready_file) if ready_file is not None else None
    flags["api_keys"] = frozenset(flags["api_keys"]) if flags["api_keys"] else None
    if no_scenarios:
        flags["scenarios_dir"] = None
    elif flags["scenarios_dir"] is None:
        flags["scenarios_dir"] = True  # create_app's word for "no folder of yours"
    app = create_app(**flags)
    sock = bind_socket(host, port)
    fake = app.state.fake
    vendors = Counter(op.vendor for op in fake.catalog.operations.values())
    by_vendor = ", ".join(f"{v}: {n}" for v, n in sorted(vendors.items()))
    scenarios = len(fake.store.scenarios())

    def ready(url: str) -> None:
        click.echo(
            f"mockserver ready at {url} serving {len(fake.catalog.operations)} operations ({by_vendor}), "
            f"{scenarios} scenarios, {flags['clock']} clock; admin API at {url}/__mock/"
        )
        sys.stdout.flush()
        if ready_to is not None:
            ready_to.write(url)

    run(app, sock, host, ready)


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


STRICT_HELP = (
    "The strict effective spec: what a client may rely on (fields every documented body of a status "
    "carries are required, status enums closed)."
)


@main.command()
@specs_option
@click.option(
    "--effective/--published", default=True, help="The repaired spec (default) or the published one."
)
@click.option("--strict", is_flag=True, help=STRICT_HELP)
@user_errors
def spec(specs_dir: Path, effective: bool, strict: bool) -> None:
    """Print the combined OpenAPI document as JSON."""
    catalog = Catalog(specs_dir)
    click.echo(json.dumps(catalog.document("effective" if effective else "published", strict), indent=2))


@main.command()
@click.option("--base-url", required=True, help="The server to check: this fake, or the vendor itself.")
@click.option(
    "--api-key",
    default="contract-key",
    show_default=True,
    help="Sent in the header each apiKey security scheme of the spec names.",
)
@specs_option
@click.option(
    "--spec", "which", type=click.Choice(["effective", "published"]), default="effective", show_default=True
)
@click.option(
    "--operation", "operations", multiple=True, help="Only these operations (fnmatch patterns, repeatable)."
)
@click.option("--strict", is_flag=True, help=STRICT_HELP)
@click.option("--max-examples", default=10, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--vendor-defaults",
    is_flag=True,
    help="Skip the ignored_auth check, for a server that accepts any key or refuses one in an HTTP 200 body.",
)
@user_errors
def check(
    base_url: str,
    api_key: str,
    specs_dir: Path,
    which: str,
    operations: tuple[str, ...],
    strict: bool,
    max_examples: int,
    vendor_defaults: bool,
) -> None:
    """Run schemathesis's checks against a live server; exit 1 on any failure."""
    requests, ignored_auth, ContractRun, Target, in_body_refusals = _contract_kit()  # noqa: N806
    base = _checked_url(base_url)
    catalog = Catalog(specs_dir)
    document = catalog.document(which, strict)
    if operations:
        _only_operations(document, operations, list(catalog.operations))
    health = _fake_health(base)
    excluded = (ignored_auth,) if vendor_defaults or _takes_any_key(health, base, api_key) else ()
    target = Target(base_url=base, api_key=api_key, reset_url="/__mock/reset" if health else None)
    try:
        run = ContractRun(
            document,
            target,
            max_examples=max_examples,
            excluded_checks=excluded,
            refusals=in_body_refusals(catalog),
        )
        failures = run.run()
    except requests.RequestException as exc:
        raise ConfigError(
            base, "", f"cannot connect ({exc.__class__.__name__})", "start the server or fix --base-url"
        ) from None
    _refuse_a_refused_key(base, run.positive, run.key_refused)
    for failure in failures:
        click.echo(failure.line())
    click.echo(
        f"{run.cases} cases against {base} ({'strict' if strict else which} spec): {len(failures)} distinct failures"
    )
    sys.exit(1 if failures else 0)


def _contract_kit() -> tuple[Any, ...]:
    """What `check` runs on, imported late: the kit is an extra, and without it one line says so."""
    try:
        import requests
        from schemathesis.specs.openapi.checks import ignored_auth

        from .kit.contract import ContractRun, Target, in_body_refusals
    except ImportError as exc:
        fix = "pip install 'mockserver[kit]' (in this repository: pip install -e '.[kit]')"
        raise ConfigError(
            "mockserver check", "", f"the contract kit is not installed ({exc.name} is missing)", fix
        ) from None
    return requests, ignored_auth, ContractRun, Target, in_body_refusals


def _refuse_a_refused_key(base: str, positive: int, refused: int) -> None:
    """Every valid request answered 401/403 means a wrong key: "0 failures" would judge only refusals."""
    if positive and refused == positive:
        raise ConfigError(
            "--api-key",
            "",
            f"{base} refused the key on all {positive} valid requests (HTTP 401/403), so nothing was checked",
            "pass the key the server takes (for a fake: the one given to 'mockserver serve --api-key')",
        )


def _checked_url(url: str) -> str:
    """An http(s) URL with a host, without its trailing slash; else the one-line refusal."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise ConfigError(
            f"--base-url {url}", "", f"is not a URL ({exc})", "use e.g. http://127.0.0.1:8000"
        ) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"--base-url {url}", "", "is not an http(s) URL with a host", "use e.g. http://127.0.0.1:8000"
        )
    return url.rstrip("/")


def _fake_health(base: str) -> dict[str, Any] | None:
    """The fake's `/__mock/health` (how it was started), or None when the server is not this fake."""
    import requests

    try:
        answer = requests.get(base + "/__mock/health", timeout=5)
        health = answer.json() if answer.status_code == 200 else None
    except (requests.RequestException, ValueError):
        return None
    return health if isinstance(health, dict) and health.get("status") == "ok" else None


def _takes_any_key(health: dict[str, Any] | None, base: str, api_key: str) -> bool:
    """`ignored_auth` wants a 401 or 403 for a request without a key. A fake started without
    `--api-key` takes any key, by design, and a vendor whose profile refuses in the body answers a bad key
    with HTTP 200 unless the fake runs with `--http-errors`: then say so in one line and skip that one
    check. Every other check reads in-body refusals as the HTTP status the profile gives them
    (`in_body_refusals`)."""
    if health is None or (health.get("keys_checked") and health.get("http_errors")):
        return False
    click.echo(
        f"mockserver check: the fake at {base} accepts any API key or refuses it in an HTTP 200 body "
        "(as a vendor that refuses in the body does), so the ignored_auth check is skipped; for it, start the fake with "
        f"'mockserver serve --api-key {api_key} --http-errors'",
        err=True,
    )
    return True


def _only_operations(document: dict[str, Any], patterns: tuple[str, ...], known: list[str]) -> None:
    """Keep the operations whose operationId matches one of the fnmatch patterns."""
    import fnmatch

    for path, item in list(document["paths"].items()):
        for method in list(item):
            if not any(fnmatch.fnmatch(item[method].get("operationId", ""), p) for p in patterns):
                del item[method]
        if not item:
            del document["paths"][path]
    if not document["paths"]:
        raise ConfigError(
            "--operation", "", f"no operation matches {', '.join(patterns)}", f"use one of {', '.join(known)}"
        )
