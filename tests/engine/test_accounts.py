"""Credit per (account, API key), over real HTTP: create calls spend their cost, refuse below it with
the vendor's insufficient-credit error and start no job; refs refuse unknown ids; admin and scenario
files set balances; a reset restores them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mockserver import create_app
from mockserver.spec.errors import ConfigError

from ..acme import catalog, spec

A = {"x-api-key": "key-a"}
B = {"x-api-key": "key-b"}
ANNA = {"inputs": [{"avatar_id": "anna"}]}


def make(tmp: Path, scenarios: Path | None = None) -> TestClient:
    app = create_app(None, scenarios, catalog=catalog(tmp), shipped_scenarios=False)
    return TestClient(app, base_url="http://fake")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make(tmp_path) as c:
        yield c


def quota(c: TestClient, key: dict[str, str]) -> dict:
    return c.get("/v1/quota", headers=key).json()["data"]


def test_create_spends_its_cost_until_the_balance_is_below_it(client):
    assert quota(client, A) == {"seconds": 300, "credits": 5, "plan": "pro"}  # starting credit 5
    ids = [client.post("/v1/videos", json=ANNA, headers=A).json()["data"]["id"] for _ in range(2)]
    assert len(set(ids)) == 2
    assert quota(client, A) == {"seconds": 60, "credits": 1, "plan": "pro"}
    held = client.get("/__mock/health").json()["timelines"]
    refused = client.post("/v1/videos", json=ANNA, headers=A)
    assert refused.status_code == 402
    assert refused.json() == {"error": {"code": "insufficient_credit", "message": "You have 1, it costs 2"}}
    assert client.get("/__mock/health").json()["timelines"] == held  # no job started
    assert quota(client, A)["credits"] == 1  # nothing spent
    assert (
        client.get("/__mock/requests", params={"operation": "acme.post_videos"}).json()[-1]["status"] == 402
    )


def test_account_fields_keep_the_examples_number_kind(client):
    client.put("/__mock/accounts/acme/key-a", json={"credit": 2.5})
    data = quota(client, A)
    assert data["seconds"] == 150 and isinstance(data["seconds"], int)
    assert data["credits"] == 2.5


def test_two_keys_have_separate_balances(client):
    client.post("/v1/videos", json=ANNA, headers=A)
    assert quota(client, A)["credits"] == 3
    assert quota(client, B)["credits"] == 5
    listed = client.get("/__mock/accounts").json()
    acme = next(a for a in listed if a["account"] == "acme")
    assert acme["credit"] == 5 and acme["vendors"] == ["acme"] and acme["keys"] == {"key-a": 3}


def test_admin_sets_reads_and_reset_restores(client):
    put = client.put("/__mock/accounts/acme/key-a", json={"credit": 0})
    assert put.json() == {"account": "acme", "key": "key-a", "credit": 0}
    assert client.post("/v1/videos", json=ANNA, headers=A).status_code == 402
    assert client.get("/__mock/accounts/acme/key-a").json()["credit"] == 0
    assert client.get("/__mock/accounts/acme/never-seen").json()["credit"] == 5
    client.post("/__mock/reset", json={})
    assert client.get("/__mock/accounts/acme/key-a").json()["credit"] == 5
    assert client.post("/v1/videos", json=ANNA, headers=A).status_code == 200


@pytest.mark.parametrize(
    "body", [{}, {"credit": -1}, {"credit": "5"}, {"credit": True}, {"credit": 1e13}, {"credit": 1, "x": 2}]
)
def test_admin_refuses_bad_credit_bodies(client, body):
    r = client.put("/__mock/accounts/acme/key-a", json=body)
    assert r.status_code == 400 and "credit" in r.json()["error"]


def test_admin_unknown_account_is_404(client):
    r = client.get("/__mock/accounts/nope/key-a")
    assert r.status_code == 404 and "acme" in r.json()["valid_accounts"]
    assert client.put("/__mock/accounts/nope/k", json={"credit": 1}).status_code == 404


def test_refs_refuse_unknown_ids_and_accept_known_ones(client):
    bad = client.post("/v1/videos", json={"inputs": [{"avatar_id": "anna"}, {"avatar_id": "zed"}]}, headers=A)
    assert bad.status_code == 404 and bad.json()["error"]["code"] == "avatar_not_found"
    assert quota(client, A)["credits"] == 5  # a refused reference spends nothing
    ok = client.post("/v1/videos", json={"inputs": [{"avatar_id": "bob"}]}, headers=A)
    assert ok.status_code == 200 and quota(client, A)["credits"] == 3


def test_scenario_files_set_starting_balances(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "credit.yaml").write_text(
        "accounts:\n"
        "  - {account: acme, match: '^poor-', credit: 1}\n"
        "  - {account: acme, key: poor-but-listed, credit: 7}\n"
    )
    with make(tmp_path, folder) as c:
        assert quota(c, {"x-api-key": "poor-1"})["credits"] == 1
        assert c.post("/v1/videos", json=ANNA, headers={"x-api-key": "poor-1"}).status_code == 402
        assert quota(c, {"x-api-key": "poor-but-listed"})["credits"] == 7
        assert quota(c, A)["credits"] == 5
        c.put("/__mock/accounts/acme/poor-1", json={"credit": 50})
        c.post("/__mock/reset", json={})
        assert quota(c, {"x-api-key": "poor-1"})["credits"] == 1  # the file's balance, restored


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("[1]", "an accounts entry is not a mapping"),
        ("{}", "'accounts' is not a list"),
        ("[{account: nope, key: k, credit: 1}]", "unknown account 'nope'"),
        ("[{account: acme, credit: 1}]", "needs one of 'key: TEXT' or 'match: REGEX'"),
        ("[{account: acme, key: k, match: x, credit: 1}]", "needs one of 'key: TEXT' or 'match: REGEX'"),
        ("[{account: acme, key: k, credit: -2}]", "credit -2 is not a number from 0 to 1e12"),
        ("[{account: acme, key: k, credit: .nan}]", "credit nan is not a number"),
        ("[{account: acme, match: '(', credit: 1}]", "invalid 'match' regex"),
        ("[{account: acme, key: k, credit: 1, extra: 1}]", "unknown accounts key 'extra'"),
    ],
    ids=["scalar", "mapping", "account", "nokey", "both", "negative", "nan", "regex", "extra"],
)
def test_bad_accounts_entries_are_one_line(tmp_path, entry, problem):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "bad.yaml").write_text(f"accounts: {entry}\n")
    with pytest.raises(ConfigError) as caught:
        make(tmp_path, folder)
    line = caught.value.line()
    assert problem in line and "bad.yaml" in line and "\n" not in line


@pytest.mark.parametrize(
    ("resource", "problem"),
    [
        ({"kind": "account", "fields": {"data.nope": 1}}, "'data.nope' is not a number in the example"),
        ({"kind": "account", "fields": {"data.seconds": "60"}}, "'fields.data.seconds' is not a number"),
        (
            {"kind": "account", "example": "Other", "fields": {"data.seconds": 60}},
            "no 200 example named 'Other'",
        ),
    ],
    ids=["path", "factor", "example"],
)
def test_bad_account_resource_is_one_line(tmp_path, resource, problem):
    doc = spec()
    doc["paths"]["/v1/quota"]["get"]["x-mock-resource"] = resource
    with pytest.raises(ConfigError) as caught:
        create_app(None, None, catalog=catalog(tmp_path, the_spec=doc))
    assert problem in caught.value.line() and "\n" not in caught.value.line()


def test_account_without_fields_answers_its_example(tmp_path):
    """A user's profile (HeyGen's /v1/user/me) is an account operation with no balance in it."""
    doc = spec()
    doc["paths"]["/v1/quota"]["get"]["x-mock-resource"] = {"kind": "account"}
    with TestClient(create_app(None, None, catalog=catalog(tmp_path, the_spec=doc))) as client:
        answer = client.get("/v1/quota", headers={"x-api-key": "k"})
    assert answer.status_code == 200 and answer.json() == {
        "data": {"seconds": 600, "credits": 10.0, "plan": "pro"}
    }
