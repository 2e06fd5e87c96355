"""Input the pages cannot use gets a 4xx page or counts as absent, never a 500: numbers in other scripts,
mangled cookies; and the frontend's probe carries the request id to the backend."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient
from fake_backend import FakeBackend

# str.isdigit() accepts all of these, and int() then either raises or reads a number nobody typed.
NOT_ASCII_INTEGERS = ["²", "٣", "1_0", "+5", "007", "1e400"]


@pytest.mark.parametrize("raw", NOT_ASCII_INTEGERS)
async def test_a_page_number_that_is_no_integer_shows_the_first_page(client: TestClient, raw: str) -> None:
    response = await client.get("/products", params={"page": raw})
    assert response.status == 200


@pytest.mark.parametrize("raw", NOT_ASCII_INTEGERS)
async def test_a_product_id_that_is_no_integer_is_not_found(client: TestClient, raw: str) -> None:
    response = await client.get(f"/products/{raw}")
    assert response.status == 404


@pytest.mark.parametrize("raw", NOT_ASCII_INTEGERS)
async def test_cart_forms_refuse_quantities_and_ids_that_are_no_integers(
    client: TestClient, fake_backend: FakeBackend, raw: str
) -> None:
    bad_quantity = await client.post(
        "/cart/items", data={"product_id": "3", "quantity": raw}, allow_redirects=False
    )
    assert bad_quantity.status == 400
    bad_product = await client.post(
        "/cart/items", data={"product_id": raw, "quantity": "1"}, allow_redirects=False
    )
    assert bad_product.status == 404
    assert fake_backend.carts == {}


async def test_an_integral_json_number_is_the_integer_it_names(client: TestClient) -> None:
    response = await client.get("/products/3.0")
    assert response.status == 200
    assert "Kitchen item 3" in await response.text()


@pytest.mark.parametrize("cookie", ["not-a-uuid", "1234", "%00", "9a6c1f0e-0000-0000-0000"])
async def test_a_mangled_cart_cookie_counts_as_no_cart_and_is_dropped(
    client: TestClient, fake_backend: FakeBackend, cookie: str
) -> None:
    client.session.cookie_jar.update_cookies({"cart_id": cookie})
    for path in ("/", "/products", "/cart", "/checkout"):
        response = await client.get(path)
        assert response.status == 200, path
        # The browser is told to forget it (the test client's jar keeps cookies it was given by hand).
        assert any(
            value.startswith("cart_id=") and "Max-Age=0" in value
            for value in response.headers.getall("Set-Cookie", ())
        ), path
    assert all("X-Cart-Id" not in request.headers for request in fake_backend.requests)


async def test_a_mangled_cart_cookie_is_replaced_by_the_next_cart(
    client: TestClient, fake_backend: FakeBackend
) -> None:
    client.session.cookie_jar.update_cookies({"cart_id": "garbage"})
    response = await client.post("/cart/items", data={"product_id": "3", "quantity": "2"})
    assert response.status == 200
    (cart_id,) = fake_backend.carts
    assert fake_backend.carts[cart_id] == {3: 2}
    assert {cookie.key: cookie.value for cookie in client.session.cookie_jar}["cart_id"] == cart_id


async def test_readyz_forwards_the_request_id_to_the_backend(
    client: TestClient, fake_backend: FakeBackend
) -> None:
    response = await client.get("/readyz", headers={"X-Request-ID": "probe-42"})
    assert response.status == 200
    assert response.headers["X-Request-ID"] == "probe-42"
    (probe,) = [request for request in fake_backend.requests if request.path == "/healthz"]
    assert probe.headers["X-Request-ID"] == "probe-42"
