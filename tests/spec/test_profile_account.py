"""Profiles' account, cost and refs values, and `x-mock-profile`: each mistake is one ConfigError line
naming the file and the key; the shipped profiles share HeyGen's account between v1/v2 and v3."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from mockserver.spec.catalog import Catalog
from mockserver.spec.errors import ConfigError
from mockserver.spec.profile import Profiles

from ..acme import catalog, profile, spec, write


def refused(tmp: Path, **kw: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        catalog(tmp, **kw)
    line = caught.value.line()
    assert "\n" not in line and "Fix:" in line
    return line


def test_shipped_profiles_accounts():
    profiles = Profiles()
    assert (
        profiles.by_vendor["heygen"].account.name == profiles.by_vendor["heygen_v3"].account.name == "heygen"
    )
    assert profiles.by_vendor["joggai"].account.credit == 1_000_000  # so load tests never run dry
    assert profiles.by_vendor["heygen"].account.credit == profiles.by_vendor["heygen_v3"].account.credit
    assert profiles.by_vendor["generic"].account.name == "generic"  # no section: the vendor's own, 100
    assert profiles.by_vendor["generic"].account.credit == 100


def test_heygen_v3_errors_follow_the_v3_envelope():
    v3 = Profiles().by_vendor["heygen_v3"]
    assert v3.hosts == [] and v3.errors["rate_limited"].headers == {"Retry-After": "1"}
    credit = v3.errors["insufficient_credit"]
    assert credit.status == 402 and not credit.inferred
    assert (
        credit.render()["error"]["message"]
        == "Your account has 5 credits but this video requires 10 credits."
    )
    assert credit.render("", {"credit": 1, "cost": 2})["error"]["message"].startswith(
        "Your account has 1 credits"
    )
    codes = {name: (e.status, e.body["error"]["code"]) for name, e in v3.errors.items()}
    assert codes["no_permission"] == (403, "forbidden") and codes["server_error"] == (500, "internal_error")
    assert codes["avatar_not_found"] == (404, "avatar_not_found") and codes["voice_not_found"][0] == 404
    assert all(
        e.body["error"]["doc_url"].startswith("https://developers.heygen.com/docs/error-codes#")
        for e in v3.errors.values()
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (-1, "credit -1 is not a number from 0 to 1e12"),
        ("lots", "credit 'lots' is not a number"),
        (True, "credit True is not a number"),
        (float("inf"), "credit inf is not a number"),
        (float("nan"), "credit nan is not a number"),
        (None, "credit None is not a number"),
    ],
    ids=["negative", "text", "bool", "inf", "nan", "null"],
)
def test_bad_credit_is_one_line(tmp_path, value, problem):
    line = refused(tmp_path, the_profile=profile(account={"name": "acme", "credit": value}))
    assert problem in line and "acme.yaml:/account/credit" in line


@pytest.mark.parametrize(
    ("account", "problem"),
    [
        ("heygen", "'account' is not a mapping"),
        ({"name": "", "credit": 1}, "account name '' is not a plain word"),
        ({"name": "a/b"}, "account name 'a/b' is not a plain word"),
        ({"credits": 1}, "unknown account key 'credits'"),
        ({"inferred": "credit"}, "'inferred' is not a list"),
    ],
    ids=["scalar", "blank", "slash", "typo", "inferred"],
)
def test_bad_account_section_is_one_line(tmp_path, account, problem):
    assert problem in refused(tmp_path, the_profile=profile(account=account))


def creates(**call: Any) -> dict[str, Any]:
    base = copy.deepcopy(profile()["creates"]["acme.post_videos"])
    base.update(call)
    return {"acme.post_videos": base}


@pytest.mark.parametrize(
    ("call", "problem"),
    [
        ({"cost": -0.5}, "cost -0.5 is not a number from 0 to 1e12"),
        ({"cost": "1"}, "cost '1' is not a number"),
        ({"cost": False}, "cost False is not a number"),
        ({"refs": ["avatar_id"]}, "'refs' is not a mapping"),
        ({"refs": {"avatar_id": {"catalog": "acme.avatars"}}}, "needs exactly 'catalog' and 'error'"),
        ({"refs": {"avatar_id": {"catalog": "acme.avatars", "error": 3}}}, "is not a name"),
        (
            {"refs": {"avatar_id": {"catalog": "acme.avatars", "error": "nope"}}},
            "error 'nope', which the profile",
        ),
        (
            {"refs": {"avatar_id": {"catalog": "acme.gone", "error": "not_found"}}},
            "names acme.gone, which is not",
        ),
        (
            {"refs": {"avatar_id": {"catalog": "acme.quota", "error": "not_found"}}},
            "names acme.quota, which is not",
        ),
    ],
    ids=["negative", "text", "bool", "list", "half", "error-type", "error", "catalog", "not-catalog"],
)
def test_bad_cost_and_refs_are_one_line(tmp_path, call, problem):
    line = refused(tmp_path, the_profile=profile(creates=creates(**call)))
    assert problem in line and "acme.yaml:/creates/acme.post_videos" in line


def test_shared_account_must_agree_on_credit(tmp_path):
    write(tmp_path)
    other = profile(vendor="acme2", account={"name": "acme", "credit": 9}, creates={})
    (tmp_path / "profiles" / "acme2.yaml").write_text(yaml.safe_dump(other))
    with pytest.raises(ConfigError, match="account 'acme' starts at 9 here but at 5 in another profile"):
        Profiles(tmp_path / "profiles")


def test_x_mock_profile_picks_the_profile(tmp_path):
    cat = catalog(tmp_path)
    assert {op.profile.vendor for op in cat.operations.values()} == {"acme"}
    assert cat.operations["acme.post_videos"].profile.creates["acme.post_videos"].cost == 2


@pytest.mark.parametrize("name", ["acne", ["acme"]], ids=["typo", "list"])
def test_unknown_x_mock_profile_is_one_line(tmp_path, name):
    line = refused(tmp_path, the_spec=spec(**{"x-mock-profile": name}))
    assert "acme.yaml:/x-mock-profile: unknown profile" in line
    assert "name one of the known profiles: acme, generic" in line


def test_x_mock_profile_wins_over_the_servers_host(tmp_path):
    write(tmp_path, the_spec=spec(servers=[{"url": "https://api.heygen.com"}]))
    profiles = Profiles(tmp_path / "profiles")
    profiles.by_vendor["heygen"] = Profiles().by_vendor["heygen"]
    cat = Catalog(tmp_path / "specs", profiles)
    assert cat.operations["acme.videos"].profile.vendor == "acme"
