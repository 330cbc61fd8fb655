"""The issue 13 operations over real HTTP: a parameter against its schema is refused without
--strict (a size over `max` too), a token list's refusal is documented as one for meaning, and an
add answer leaves out what the request did not set only where the vendor's schema says never null."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mockserver.spec.catalog import Catalog
from mockserver.spec.errors import ConfigError
from mockserver.spec.resources import parse_resource

HG = {"x-api-key": "k1"}


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/v3/avatars", {"limit": "51"}),  # over the maximum: refused, not clamped
        ("/v3/avatars/looks", {"avatar_type": "0"}),  # outside the enum
        ("/v1/video.list", {"limit": "0.5"}),  # not an integer
        ("/v1/folders", {"is_trash": "maybe"}),  # not a boolean
    ],
    ids=["max", "enum", "integer", "boolean"],
)
def test_a_heygen_list_refuses_a_parameter_against_its_schema(client: TestClient, path, query):
    answer = client.get(path, params=query, headers=HG)
    assert answer.status_code == 400, answer.text
    assert next(iter(query)) in answer.text


def test_a_joggai_list_refuses_in_its_envelope_and_a_limit_of_0_is_the_default(client: TestClient):
    refused = client.get("/v2/avatars/custom", params={"page_size": "101"}, headers=HG).json()
    assert refused["code"] == 40000 and "page_size" in refused["msg"]
    assert client.get("/v1/video.list", params={"limit": "0"}, headers=HG).status_code == 200


def test_token_lists_document_their_refusal_as_one_for_meaning(catalog: Catalog):
    def marked(name: str) -> bool:
        op = catalog.operations[name]
        return bool(
            catalog.effective["paths"][op.route][op.method]["responses"]["400"].get("x-mock-meaning-refusal")
        )

    assert marked("heygen.video_list") and marked("heygen_v3.voices")  # a random token names no page
    assert not marked("joggai.voices") and not marked("heygen.post_folders_create")  # pages by number


def test_an_add_leaves_out_what_the_request_did_not_set_only_where_never_null(client: TestClient):
    product = client.post("/v2/product", json={"url": "https://shop.example/p"}, headers=HG).json()["data"]
    assert product["url"] == "https://shop.example/p" and product["product_id"]
    assert "name" not in product and "media" not in product  # JoggAI's ProductInfo: strings, never null
    folder = client.post("/v1/folders/create", json={"name": "f"}, headers=HG).json()["data"]
    assert folder["parent_id"] is None  # HeyGen's folder: parent_id null at the root, as documented


def test_absent_is_null_or_omit():
    with pytest.raises(ConfigError, match="absent"):
        parse_resource({"kind": "add", "collection": "c", "absent": "drop"}, "s.yaml", "/paths/x/post")
