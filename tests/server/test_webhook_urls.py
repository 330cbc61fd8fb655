"""Webhook URLs: registration takes only http and https URLs with a host, in each vendor's own
refusal; and a delivery to any other URL (a job's own callback) fails its attempts, never hangs."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from mockserver import create_app

from ..conftest import KEY, SCENARIOS, SPECS
from ..engine.test_create import VIDEO
from .test_delivery import advance, deliveries, wait_for

NOT_HTTP = [
    "file:///etc/passwd",
    "data:,hello",
    "ftp://127.0.0.1/x",
    "javascript:alert(1)",
    "http://",
    "https:///path-without-host",
    "http://:8080/",
    "http://127.0.0.1/ with space",
    "127.0.0.1:9/no-scheme",
    "http://h:99999/",  # ports past 65535, port 0, or a leading zero could never be delivered to
    "http://h:65536/",
    "https://h:0/",
    "http://[::1]:70000/",
    "http://h:080/",
]
ADD = {"heygen": "/v1/webhook/endpoint.add", "joggai": "/v2/endpoint"}
# each vendor's invalid_parameter error, from its profile: HeyGen HTTP 400 code 400; JoggAI HTTP 200 code 40000
REFUSED = {"heygen": (400, 400, "message"), "joggai": (200, 40000, "msg")}


@pytest.fixture
def fake() -> Iterator[TestClient]:
    with TestClient(create_app(SPECS, SCENARIOS, clock="virtual"), base_url="http://fake") as c:
        yield c


@pytest.mark.parametrize("url", NOT_HTTP)
@pytest.mark.parametrize("vendor", ["heygen", "joggai"])
def test_registration_refuses_urls_that_are_not_http(fake, vendor, url):
    r = fake.post(ADD[vendor], json={"url": url}, headers=KEY)
    status, code, message = REFUSED[vendor]
    assert (r.status_code, r.json()["code"]) == (status, code), r.text
    assert "http or https URL" in r.json()[message]
    registered = fake.get("/__mock/webhooks").json()["endpoints"]
    assert registered.get(vendor, []) == []


@pytest.mark.parametrize("vendor", ["heygen", "joggai"])
def test_registration_takes_http_and_https(fake, vendor):
    takes = ("http://127.0.0.1:9/hook", "HTTPS://user:pw@example.com/h?x=1#f", "http://[::1]:9/")
    for url in (*takes, "http://h:1/", "http://h:65535", "http://h:59999/", "http://h:8080/x"):
        r = fake.post(ADD[vendor], json={"url": url}, headers=KEY)
        assert r.json()["data"]["url"] == url, r.text


@pytest.mark.parametrize("url", ["file:///etc/hostname", "data:,x", "http:///no-host", "gopher://h/"])
def test_a_callback_that_is_not_http_fails_its_attempts(fake, url, caplog):
    """A job's own callback URL is not checked at creation: its delivery fails, attempt by attempt."""
    job = {**VIDEO, "callback_url": url}
    vid = fake.post("/v2/video/generate", json=job, headers=KEY).json()["data"]["video_id"]
    for _ in range(4):
        fake.get("/v1/video_status.get", params={"video_id": vid}, headers=KEY)
    for expected in (1, 2, 3):
        wait_for(lambda n=expected: len(deliveries(fake, vid)[0]["attempts"]) == n)
        advance(fake, 5)
    (log,) = wait_for(lambda: [d for d in deliveries(fake, vid) if d["state"] == "failed"])
    assert [a["status"] for a in log["attempts"]] == [None, None, None]
    assert all("http or https" in a["error"] for a in log["attempts"])
    assert "never retrieved" not in caplog.text


@pytest.mark.parametrize(("vendor", "inferred"), [("heygen", True), ("joggai", False)])
def test_effective_spec_says_what_registration_enforces(fake, vendor, inferred):
    """The served spec carries the URL pattern, the vendor's cap and its refusal; the fake holds to both."""
    spec = fake.get("/__mock/openapi.json").json()
    op = spec["paths"][ADD[vendor]]["post"]
    url = op["requestBody"]["content"]["application/json"]["schema"]["properties"]["url"]
    assert url["pattern"].startswith("^[Hh][Tt][Tt][Pp][Ss]?://")
    assert re.search(url["pattern"], "http://h:65535/") and not re.search(url["pattern"], "http://h:99999/")
    assert op["x-mock-max-endpoints"] == 20
    assert "At most 20 endpoints" in op["description"] and "invalid_parameter" in op["description"]
    assert ("INFERRED" in op["description"]) is inferred
    status, code, message = REFUSED[vendor]
    assert "one endpoint too many" in op["responses"][str(status)]["description"]
    for i in range(20):
        assert fake.post(ADD[vendor], json={"url": f"http://127.0.0.1:9/{i}"}, headers=KEY).json()["data"]
    full = fake.post(ADD[vendor], json={"url": "http://127.0.0.1:9/x"}, headers=KEY)
    assert (full.status_code, full.json()["code"]) == (status, code)
    assert "at most 20" in full.json()[message]
