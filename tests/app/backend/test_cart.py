"""The anonymous cart: created on demand, named by cookie or header, totals computed by the server."""

from __future__ import annotations

import uuid

from aiohttp.test_utils import TestClient

from .conftest import API, MakeProduct, add_to_cart, new_cart


async def test_first_visit_creates_an_empty_cart_and_sets_the_cookie(api: TestClient) -> None:
    response = await api.get(f"{API}/cart")
    assert response.status == 200
    cart = await response.json()
    assert cart["items"] == []
    assert (cart["item_count"], cart["subtotal_cents"], cart["currency"]) == (0, 0, "USD")
    cookie = response.cookies["cart_id"]
    assert cookie.value == cart["id"] == response.headers["X-Cart-Id"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"


async def test_the_cookie_brings_back_the_same_cart(api: TestClient, make_product: MakeProduct) -> None:
    product_id = await make_product(price_cents=250)
    first = await (await api.get(f"{API}/cart")).json()
    # The test client keeps cookies like a browser; no header is sent here.
    added = await (await api.post(f"{API}/cart/items", json={"product_id": product_id, "quantity": 2})).json()
    assert added["id"] == first["id"]
    again = await (await api.get(f"{API}/cart")).json()
    assert again["id"] == first["id"]
    assert again["item_count"] == 2


async def test_unknown_or_mangled_cart_ids_get_a_new_cart(api: TestClient) -> None:
    unknown = str(uuid.uuid4())
    response = await api.get(f"{API}/cart", headers={"X-Cart-Id": unknown})
    assert (await response.json())["id"] != unknown
    api.session.cookie_jar.update_cookies({"cart_id": "not-a-uuid"})
    response = await api.get(f"{API}/cart")
    assert response.status == 200
    uuid.UUID((await response.json())["id"])


async def test_malformed_cart_header_is_refused(api: TestClient) -> None:
    response = await api.get(f"{API}/cart", headers={"X-Cart-Id": "cart-42"})
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "invalid_input"


async def test_add_accumulates_and_totals_are_in_cents(api: TestClient, make_product: MakeProduct) -> None:
    coffee = await make_product(price_cents=1999)
    mug = await make_product(price_cents=550)
    cart_id = await new_cart(api)
    await add_to_cart(api, cart_id, coffee, 1)
    await add_to_cart(api, cart_id, mug, 3)
    cart = await add_to_cart(api, cart_id, coffee, 2)
    lines = {item["product_id"]: item for item in cart["items"]}
    assert lines[coffee]["quantity"] == 3
    assert lines[coffee]["line_total_cents"] == 3 * 1999
    assert lines[mug]["unit_price_cents"] == 550
    assert set(lines[mug]) == {
        "product_id",
        "name",
        "slug",
        "image",
        "unit_price_cents",
        "quantity",
        "line_total_cents",
    }
    assert cart["item_count"] == 6
    assert cart["subtotal_cents"] == 3 * 1999 + 3 * 550


async def test_change_quantity_and_remove(api: TestClient, make_product: MakeProduct) -> None:
    product_id = await make_product(price_cents=100)
    other = await make_product(price_cents=300)
    cart_id = await new_cart(api)
    await add_to_cart(api, cart_id, product_id, 1)
    await add_to_cart(api, cart_id, other, 1)
    headers = {"X-Cart-Id": cart_id}

    changed = await api.patch(f"{API}/cart/items/{product_id}", json={"quantity": 5}, headers=headers)
    assert changed.status == 200
    assert (await changed.json())["subtotal_cents"] == 5 * 100 + 300

    removed = await api.delete(f"{API}/cart/items/{product_id}", headers=headers)
    assert removed.status == 200
    cart = await removed.json()
    assert [item["product_id"] for item in cart["items"]] == [other]
    assert cart["subtotal_cents"] == 300

    # Deleting again is not an error: a retried DELETE gets the same cart.
    again = await api.delete(f"{API}/cart/items/{product_id}", headers=headers)
    assert again.status == 200
    assert await again.json() == cart


async def test_changing_a_line_that_is_not_in_the_cart_is_404(
    api: TestClient, make_product: MakeProduct
) -> None:
    product_id = await make_product()
    cart_id = await new_cart(api)
    response = await api.patch(
        f"{API}/cart/items/{product_id}", json={"quantity": 1}, headers={"X-Cart-Id": cart_id}
    )
    assert response.status == 404


async def test_cart_refuses_more_than_the_stock(api: TestClient, make_product: MakeProduct) -> None:
    product_id = await make_product(stock=2)
    cart_id = await new_cart(api)
    await add_to_cart(api, cart_id, product_id, 2)
    headers = {"X-Cart-Id": cart_id}
    more = await api.post(
        f"{API}/cart/items", json={"product_id": product_id, "quantity": 1}, headers=headers
    )
    assert more.status == 409
    error = (await more.json())["error"]
    assert error["code"] == "insufficient_stock"
    assert error["details"]["items"] == [{"product_id": product_id, "requested": 3, "available": 2}]
    too_many = await api.patch(f"{API}/cart/items/{product_id}", json={"quantity": 3}, headers=headers)
    assert too_many.status == 409


async def test_adding_an_unknown_product_is_404(api: TestClient) -> None:
    response = await api.post(f"{API}/cart/items", json={"product_id": 987654321, "quantity": 1})
    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"
