"""Bad input gets a 4xx JSON error that says what is wrong, never a 500."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from .conftest import API, CHECKOUT_BODY, MakeProduct, add_to_cart, new_cart


async def error_of(response) -> dict:
    assert response.content_type == "application/json"
    body = await response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b"{not json", "json_invalid"),
        (b"", "json_invalid"),
        (b"[1, 2]", "model_type"),
        (b'{"product_id": "1", "quantity": 1}', "product_id"),
        (b'{"product_id": 1, "quantity": true}', "quantity"),
        (b'{"product_id": 1, "quantity": 1.5}', "quantity"),
        (b'{"product_id": 1, "quantity": -3}', "quantity"),
        (b'{"product_id": 1, "quantity": 0}', "quantity"),
        (b'{"product_id": 1, "quantity": 1000}', "quantity"),
        (b'{"product_id": 1}', "quantity"),
        (b'{"product_id": 1, "quantity": 1, "price_cents": 1}', "price_cents"),
        (b'{"product_id": 99999999999, "quantity": 1}', "product_id"),
    ],
)
async def test_bad_cart_item_bodies_are_400(api: TestClient, body: bytes, where: str) -> None:
    response = await api.post(f"{API}/cart/items", data=body, headers={"Content-Type": "application/json"})
    assert response.status == 400
    error = await error_of(response)
    assert error["code"] == "invalid_input"
    assert where in repr(error["details"])


async def test_integral_floats_are_integers_as_json_schema_says(
    api: TestClient, make_product: MakeProduct
) -> None:
    product_id = await make_product()
    response = await api.post(f"{API}/cart/items", json={"product_id": product_id, "quantity": 2.0})
    assert response.status == 200
    assert (await response.json())["item_count"] == 2


@pytest.mark.parametrize(
    "params",
    [
        {"per_page": "101"},
        {"per_page": "0"},
        {"page": "0"},
        {"page": "two"},
        {"sort": "cheapest"},
        {"category": "Not A Slug!"},
        {"q": "x" * 101},
        {"q": "nul\x00byte"},
    ],
)
async def test_bad_product_queries_are_400(api: TestClient, params: dict[str, str]) -> None:
    response = await api.get(f"{API}/products", params=params)
    assert response.status == 400
    assert (await error_of(response))["code"] == "invalid_input"


async def test_remembered_product_queries_are_validated_every_time(api: TestClient) -> None:
    """The views remember validated listing queries by query string: a refused one stays refused, and a
    remembered one still answers the parameters it was given."""
    for _ in range(2):
        refused = await api.get(f"{API}/products?per_page=0")
        assert refused.status == 400
        assert "per_page" in (await error_of(refused))["message"]
    for _ in range(2):
        page = await (await api.get(f"{API}/products?per_page=3&page=2")).json()
        assert (page["page"], page["per_page"], len(page["items"])) == (2, 3, 3)


async def test_oversized_body_is_413(api: TestClient) -> None:
    padding = "x" * (100 * 1024)
    response = await api.post(
        f"{API}/cart/items",
        data=f'{{"product_id": 1, "quantity": 1, "pad": "{padding}"}}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 413
    assert (await error_of(response))["code"] == "payload_too_large"


@pytest.mark.parametrize(
    "change",
    [
        {"email": "not-an-email"},
        {"email": "a@b"},
        {"name": ""},
        {"name": "   "},
        {"name": "tab\tinside"},
        {"address": {"line1": "1 Road", "city": "Town", "postal_code": "1"}},
        {"address": "somewhere"},
    ],
)
async def test_bad_checkout_bodies_are_400(api: TestClient, make_product: MakeProduct, change: dict) -> None:
    cart_id = await new_cart(api)
    await add_to_cart(api, cart_id, await make_product(), 1)
    response = await api.post(
        f"{API}/checkout",
        json=CHECKOUT_BODY | change,
        headers={"X-Cart-Id": cart_id, "Idempotency-Key": "bad-body"},
    )
    assert response.status == 400
    assert (await error_of(response))["code"] == "invalid_input"


@pytest.mark.parametrize("key", [None, "", "k" * 101, "has space"])
async def test_checkout_needs_a_sane_idempotency_key(api: TestClient, key: str | None) -> None:
    headers = {} if key is None else {"Idempotency-Key": key}
    response = await api.post(f"{API}/checkout", json=CHECKOUT_BODY, headers=headers)
    assert response.status == 400
    error = await error_of(response)
    assert "Idempotency-Key" in error["message"]
