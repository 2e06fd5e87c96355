"""Integers are read one way, the OpenAPI document's (a JSON number with an integral value), in paths,
queries and bodies alike; bodies must be declared as JSON; a client leaving mid-body is no server error."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiohttp.test_utils import TestClient
from prometheus_client import REGISTRY

from .conftest import API, CHECKOUT_BODY, MakeProduct, add_to_cart, new_cart

# int() reads every one of these as a number; none is how JSON writes an integer.
NOT_JSON_INTEGERS = ["1_0", "+5", "٣", "²", "007", " 7", "0x1f", "1e400", "2.5"]


@pytest.mark.parametrize("raw", NOT_JSON_INTEGERS)
async def test_path_ids_that_are_no_json_integer_are_400(api: TestClient, raw: str) -> None:
    response = await api.get(f"{API}/products/{raw}")
    assert response.status == 400, await response.text()
    assert (await response.json())["error"]["code"] == "invalid_input"


@pytest.mark.parametrize("spelling", ["{id}.0", "{id}.00", "{id}0e-1"])
async def test_path_ids_spelled_as_integral_json_numbers_name_the_product(
    api: TestClient, make_product: MakeProduct, spelling: str
) -> None:
    product_id = await make_product()
    response = await api.get(f"{API}/products/{spelling.format(id=product_id)}")
    assert response.status == 200
    assert (await response.json())["id"] == product_id


async def test_cart_item_paths_accept_what_their_bodies_accept(
    api: TestClient, make_product: MakeProduct
) -> None:
    product_id = await make_product()
    cart_id = await new_cart(api)
    await add_to_cart(api, cart_id, product_id, 1)
    response = await api.patch(
        f"{API}/cart/items/{product_id}.0", json={"quantity": 3.0}, headers={"X-Cart-Id": cart_id}
    )
    assert response.status == 200, await response.text()
    assert [line["quantity"] for line in (await response.json())["items"]] == [3]


@pytest.mark.parametrize("raw", NOT_JSON_INTEGERS)
async def test_page_numbers_that_are_no_json_integer_are_400(api: TestClient, raw: str) -> None:
    response = await api.get(f"{API}/products", params={"page": raw})
    assert response.status == 400
    assert (await response.json())["error"]["details"][0]["loc"][-1] == "page"


async def test_a_page_number_spelled_as_an_integral_json_number_is_that_page(api: TestClient) -> None:
    response = await api.get(f"{API}/products", params={"page": "2.0", "per_page": "1"})
    assert response.status == 200
    assert (await response.json())["page"] == 2


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
async def test_bodies_not_declared_as_json_are_415(
    api: TestClient, make_product: MakeProduct, content_type: str | None
) -> None:
    product_id = await make_product()
    cart_id = await new_cart(api)
    headers = {"X-Cart-Id": cart_id} | ({"Content-Type": content_type} if content_type else {})
    body = f'{{"product_id": {product_id}, "quantity": 1}}'.encode()
    response = await api.post(f"{API}/cart/items", data=body, headers=headers)
    assert response.status == 415
    assert (await response.json())["error"]["code"] == "unsupported_media_type"
    cart = await (await api.get(f"{API}/cart", headers={"X-Cart-Id": cart_id})).json()
    assert cart["items"] == []

    checkout = await api.post(
        f"{API}/checkout", data=b"{}", headers=headers | {"Idempotency-Key": "media-type-test"}
    )
    assert checkout.status == 415


async def test_json_media_types_with_parameters_or_suffixes_are_json(
    api: TestClient, make_product: MakeProduct
) -> None:
    product_id = await make_product()
    cart_id = await new_cart(api)
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = await api.post(
            f"{API}/cart/items",
            data=f'{{"product_id": {product_id}, "quantity": 1}}'.encode(),
            headers={"X-Cart-Id": cart_id, "Content-Type": content_type},
        )
        assert response.status == 200, content_type


async def test_checkout_of_a_cart_with_items_is_not_refused_by_media_type(
    api: TestClient, make_product: MakeProduct
) -> None:
    cart_id = await new_cart(api)
    await add_to_cart(api, cart_id, await make_product())
    response = await api.post(
        f"{API}/checkout", json=CHECKOUT_BODY, headers={"X-Cart-Id": cart_id, "Idempotency-Key": "media-ok"}
    )
    assert response.status == 201


def _requests_counted(status: str) -> float:
    value = REGISTRY.get_sample_value(
        "http_requests_total", {"method": "POST", "route": "/api/v1/cart/items", "status": status}
    )
    return value or 0.0


async def test_a_client_that_disconnects_mid_body_is_no_server_error(
    api: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    server_errors_before = _requests_counted("500")
    disconnects_before = _requests_counted("499")
    _, writer = await asyncio.open_connection("127.0.0.1", api.port)
    writer.write(
        b"POST /api/v1/cart/items HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000\r\n\r\n" + b'{"product_id": 1'
    )
    await writer.drain()
    caplog.set_level(logging.DEBUG)
    await asyncio.sleep(0.1)  # the handler is now waiting for the rest of the body
    writer.close()
    await writer.wait_closed()
    for _ in range(100):  # the server notices the closed connection on its next loop iteration
        if _requests_counted("499") > disconnects_before:
            break
        await asyncio.sleep(0.02)
    assert _requests_counted("499") == disconnects_before + 1
    assert _requests_counted("500") == server_errors_before
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
