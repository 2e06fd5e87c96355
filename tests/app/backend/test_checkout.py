"""Checkout: one transaction that never oversells, honours idempotency keys and empties the cart."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import asyncpg
from aiohttp.test_utils import TestClient

from .conftest import API, CHECKOUT_BODY, MakeProduct, add_to_cart, new_cart


async def checkout(api: TestClient, cart_id: str, key: str, body: dict | None = None):
    return await api.post(
        f"{API}/checkout", json=body or CHECKOUT_BODY, headers={"X-Cart-Id": cart_id, "Idempotency-Key": key}
    )


async def test_checkout_creates_the_order_decrements_stock_and_empties_the_cart(
    api: TestClient, db: asyncpg.Connection, make_product: MakeProduct
) -> None:
    beans = await make_product(stock=10, price_cents=1650)
    kettle = await make_product(stock=4, price_cents=5900)
    cart_id = await new_cart(api)
    await add_to_cart(api, cart_id, beans, 2)
    await add_to_cart(api, cart_id, kettle, 1)

    response = await checkout(api, cart_id, "order-1")
    assert response.status == 201
    order = await response.json()
    uuid.UUID(order["id"])
    assert order["status"] == "confirmed"
    assert (order["email"], order["name"], order["currency"]) == ("ada@example.com", "Ada Lovelace", "USD")
    assert order["total_cents"] == 2 * 1650 + 5900
    assert sorted(
        (item["product_id"], item["quantity"], item["line_total_cents"]) for item in order["items"]
    ) == sorted([(beans, 2, 3300), (kettle, 1, 5900)])
    assert dt.datetime.fromisoformat(order["created_at"]).tzinfo is not None

    stock = dict(await db.fetch("SELECT id, stock FROM products WHERE id = ANY($1)", [beans, kettle]))
    assert stock == {beans: 8, kettle: 3}
    cart = await (await api.get(f"{API}/cart", headers={"X-Cart-Id": cart_id})).json()
    assert (cart["id"], cart["items"]) == (cart_id, [])


async def test_order_lookup_needs_the_matching_email(api: TestClient, make_product: MakeProduct) -> None:
    cart_id = await new_cart(api)
    await add_to_cart(api, cart_id, await make_product(), 1)
    order = await (await checkout(api, cart_id, "lookup")).json()

    found = await api.get(f"{API}/orders/{order['id']}", params={"email": "ADA@example.com"})
    assert found.status == 200
    assert await found.json() == order
    wrong_email = await api.get(f"{API}/orders/{order['id']}", params={"email": "eve@example.com"})
    assert wrong_email.status == 404
    unknown_id = await api.get(f"{API}/orders/{uuid.uuid4()}", params={"email": "ada@example.com"})
    assert unknown_id.status == 404
    assert await wrong_email.json() == await unknown_id.json()
    not_a_uuid = await api.get(f"{API}/orders/12345", params={"email": "ada@example.com"})
    assert not_a_uuid.status == 404
    no_email = await api.get(f"{API}/orders/{order['id']}")
    assert no_email.status == 400


async def test_retry_with_the_same_key_returns_the_same_order_once(
    api: TestClient, db: asyncpg.Connection, make_product: MakeProduct
) -> None:
    product_id = await make_product(stock=5)
    cart_id = await new_cart(api)
    await add_to_cart(api, cart_id, product_id, 2)

    first = await checkout(api, cart_id, "retry-me")
    second = await checkout(api, cart_id, "retry-me")
    assert (first.status, second.status) == (201, 200)
    assert await first.json() == await second.json()
    assert await db.fetchval("SELECT stock FROM products WHERE id = $1", product_id) == 3
    assert await db.fetchval("SELECT count(*) FROM orders WHERE cart_id = $1", uuid.UUID(cart_id)) == 1


async def test_concurrent_retries_with_one_key_create_one_order(
    api: TestClient, db: asyncpg.Connection, make_product: MakeProduct
) -> None:
    product_id = await make_product(stock=5)
    cart_id = await new_cart(api)
    await add_to_cart(api, cart_id, product_id, 1)
    responses = await asyncio.gather(*(checkout(api, cart_id, "double-click") for _ in range(5)))
    assert sorted(response.status for response in responses) == [200, 200, 200, 200, 201]
    assert len({(await response.json())["id"] for response in responses}) == 1
    assert await db.fetchval("SELECT stock FROM products WHERE id = $1", product_id) == 4


async def test_reusing_a_key_for_a_different_request_is_refused(
    api: TestClient, make_product: MakeProduct
) -> None:
    cart_id = await new_cart(api)
    await add_to_cart(api, cart_id, await make_product(), 1)
    assert (await checkout(api, cart_id, "same-key")).status == 201
    other = await checkout(api, cart_id, "same-key", CHECKOUT_BODY | {"email": "bob@example.com"})
    assert other.status == 409
    assert (await other.json())["error"]["code"] == "idempotency_key_reused"


async def test_checkout_of_an_empty_or_missing_cart_is_a_409_conflict(api: TestClient) -> None:
    empty = await checkout(api, await new_cart(api), "empty")
    assert empty.status == 409
    assert (await empty.json())["error"]["code"] == "cart_empty"
    unknown = await checkout(api, str(uuid.uuid4()), "unknown")
    assert unknown.status == 409


async def test_insufficient_stock_is_409_with_details_and_changes_nothing(
    api: TestClient, db: asyncpg.Connection, make_product: MakeProduct
) -> None:
    scarce = await make_product(stock=3)
    plenty = await make_product(stock=50)
    cart_id = await new_cart(api)
    await add_to_cart(api, cart_id, scarce, 3)
    await add_to_cart(api, cart_id, plenty, 1)
    await db.execute("UPDATE products SET stock = 1 WHERE id = $1", scarce)  # someone else bought two

    response = await checkout(api, cart_id, "too-many")
    assert response.status == 409
    error = (await response.json())["error"]
    assert error["code"] == "insufficient_stock"
    assert error["details"]["items"] == [{"product_id": scarce, "requested": 3, "available": 1}]
    stock = dict(await db.fetch("SELECT id, stock FROM products WHERE id = ANY($1)", [scarce, plenty]))
    assert stock == {scarce: 1, plenty: 50}
    cart = await (await api.get(f"{API}/cart", headers={"X-Cart-Id": cart_id})).json()
    assert cart["item_count"] == 4


async def test_twenty_buyers_for_the_last_five_units(
    api: TestClient, db: asyncpg.Connection, make_product: MakeProduct
) -> None:
    product_id = await make_product(stock=5)
    carts = [await new_cart(api) for _ in range(20)]
    for cart_id in carts:
        await add_to_cart(api, cart_id, product_id, 1)

    responses = await asyncio.gather(
        *(checkout(api, cart_id, f"buyer-{n}") for n, cart_id in enumerate(carts))
    )
    statuses = [response.status for response in responses]
    assert statuses.count(201) == 5, statuses
    assert statuses.count(409) == 15, statuses
    assert await db.fetchval("SELECT stock FROM products WHERE id = $1", product_id) == 0
    assert await db.fetchval("SELECT sum(quantity) FROM order_items WHERE product_id = $1", product_id) == 5


async def test_changing_a_cart_while_it_checks_out_never_fails_with_a_500(
    api: TestClient, make_product: MakeProduct
) -> None:
    product_id = await make_product(stock=100)
    other = await make_product(stock=100)
    for attempt in range(5):
        cart_id = await new_cart(api)
        await add_to_cart(api, cart_id, product_id, 1)
        headers = {"X-Cart-Id": cart_id}
        responses = await asyncio.gather(
            checkout(api, cart_id, f"race-{attempt}"),
            api.post(f"{API}/cart/items", json={"product_id": product_id, "quantity": 1}, headers=headers),
            api.post(f"{API}/cart/items", json={"product_id": other, "quantity": 1}, headers=headers),
            api.patch(f"{API}/cart/items/{product_id}", json={"quantity": 2}, headers=headers),
            api.delete(f"{API}/cart/items/{other}", headers=headers),
        )
        assert all(response.status < 500 for response in responses), [r.status for r in responses]
