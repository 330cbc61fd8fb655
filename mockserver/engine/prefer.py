"""Prism's `Prefer` header: a one-off pick of an example or a status code; the timeline does not move.

Every response the spec documents can be picked by its code: a documented example first
(the success one among several), else the vendor's error at that status, else a body made
from the documented response itself (its schema-level examples, or the vendor's error envelope
with the response's description as the message), marked derived like any made-up body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..spec.bodies import Example, undocumented_body
from .answer import Answer

if TYPE_CHECKING:
    from .responder import Responder


def parse_prefer(value: str) -> dict[str, str]:
    """Prism's `Prefer: code=404, example=Failed` header, as a dict."""
    out: dict[str, str] = {}
    for part in value.replace(";", ",").split(","):
        key, sep, val = part.partition("=")
        if sep:
            out[key.strip().lower()] = val.strip().strip('"')
    return out


def documented_only(responder: Responder) -> dict[str, Example]:
    """The documented responses with no example and no vendor error at their status, by code."""
    op, http_errors = responder.op, responder.fake.options.http_errors
    have = {str(e.status_code) for e in responder.examples.values()}
    have |= {str(s) for e in op.profile.errors.values() for s in (e.status_for(http_errors), e.http_status)}
    out: dict[str, Example] = {}
    for code in op.raw.get("responses") or {}:
        if str(code) not in have:
            made = undocumented_body(op, str(code))
            if made is not None:
                out[str(code)] = made
    return out


def prefer(
    responder: Responder, asked: dict[str, str], rid: str, created: float, now: float, base: str
) -> Answer:
    if "example" in asked:
        example = responder.examples.get(asked["example"])
        if example is None:
            return Answer(
                400,
                {
                    "error": f"unknown example '{asked['example']}' for {responder.op.name}",
                    "valid_examples": list(responder.examples),
                },
                error="unknown-example",
            )
        return responder.example(example, rid, created, now, base)
    return prefer_code(responder, asked["code"], rid, created, now, base)


def prefer_code(responder: Responder, code: str, rid: str, created: float, now: float, base: str) -> Answer:
    op, fake = responder.op, responder.fake
    matching = [e for e in responder.examples.values() if str(e.status_code) == code]
    success = fake.catalog.by_class(op, "success")
    for example in [e for e in success if e in matching] + matching:
        return responder.example(example, rid, created, now, base)
    http_errors = fake.options.http_errors
    number = int(code) if code.isascii() and code.isdigit() and len(code) <= 3 else None
    err = op.profile.error_for_status(number, http_errors) if number is not None else None
    if err is not None:
        return responder.error(err.name)
    made = responder.documented_only.get(code)
    if made is not None:
        return responder.fresh(
            made.status_code, made.body, rid, created, now, base, {"x-mock-derived": "true"}
        )
    valid = sorted(
        {str(e.status_code) for e in responder.examples.values()}
        | {str(e.status_for(http_errors)) for e in op.profile.errors.values()}
        | set(responder.documented_only)
    )
    return Answer(
        400,
        {"error": f"no response with code '{code[:20]}' for {op.name}", "valid_codes": valid},
        error="unknown-code",
    )
