"""Pages rendered from the (fake) backend, and the forms that change the cart and place an order."""

from __future__ import annotations

import io
import re

from aiohttp.test_utils import TestClient
from fake_backend import FakeBackend


def cart_cookie(client: TestClient) -> str | None:
    cookie = client.session.cookie_jar.filter_cookies(client.make_url("/")).get("cart_id")
    return cookie.value if cookie else None


async def test_home_lists_categories_and_new_products(client: TestClient) -> None:
    response = await client.get("/")
    html = await response.text()
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.content_type == "text/html"
    assert "Kitchen" in html
    assert "(15)" in html
    assert "Garden item 17" in html
    assert re.search(r'href="/static/app\.[0-9a-f]{8}\.css"', html)


async def test_home_does_not_create_a_cart_for_a_new_visitor(
    client: TestClient, fake_backend: FakeBackend
) -> None:
    await client.get("/")
    assert fake_backend.carts == {}
    assert cart_cookie(client) is None


async def test_product_list_filters_by_category_and_paginates(
    client: TestClient, fake_backend: FakeBackend
) -> None:
    first = await client.get("/products", params={"category": "kitchen"})
    first_html = await first.text()
    assert first.status == 200
    assert "15 products" in first_html
    assert "Page 1 of 2" in first_html
    assert 'rel="next" href="/products?category=kitchen&amp;page=2"' in first_html
    assert fake_backend.product_queries[-1] == {
        "category": "kitchen",
        "sort": "name",
        "page": "1",
        "per_page": "12",
    }

    second_html = await (await client.get("/products", params={"category": "kitchen", "page": "2"})).text()
    assert "Page 2 of 2" in second_html
    assert "Kitchen item 13" in second_html
    assert "Kitchen item 1<" not in second_html


async def test_product_list_search_and_sort_reach_the_backend(
    client: TestClient, fake_backend: FakeBackend
) -> None:
    response = await client.get("/products", params={"q": "garden", "sort": "price_desc"})
    html = await response.text()
    assert "Results for “garden”" in html
    assert "3 products" in html
    assert html.index("Garden item 18") < html.index("Garden item 16")
    assert fake_backend.product_queries[-1]["q"] == "garden"


async def test_product_list_ignores_an_unknown_sort_and_a_bad_page(
    client: TestClient, fake_backend: FakeBackend
) -> None:
    response = await client.get("/products", params={"sort": "DROP TABLE", "page": "-3"})
    assert response.status == 200
    assert fake_backend.product_queries[-1]["sort"] == "name"
    assert fake_backend.product_queries[-1]["page"] == "1"


async def test_search_text_is_escaped(client: TestClient) -> None:
    html = await (await client.get("/products", params={"q": "<script>alert(1)</script>"})).text()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


async def test_product_detail(client: TestClient) -> None:
    response = await client.get("/products/3")
    html = await response.text()
    assert response.status == 200
    assert "<h1>Kitchen item 3</h1>" in html
    assert "$12.97" in html
    assert "10 in stock" in html
    assert 'action="/cart/items"' in html


async def test_sold_out_product_offers_no_add_button(client: TestClient) -> None:
    html = await (await client.get("/products/18")).text()
    assert "sold out" in html
    assert "Add to cart" not in html


async def test_unknown_product_is_an_html_404(client: TestClient) -> None:
    for path in ("/products/999", "/products/not-a-number"):
        response = await client.get(path)
        assert response.status == 404, path
        assert response.content_type == "text/html"
        assert "Back to the shop" in await response.text()


async def test_addresses_and_methods_no_page_serves_are_html_pages_elsewhere_json(client: TestClient) -> None:
    # The router's own 404 and 405 (no view ran): a page on a page's address, JSON for the probes' and
    # static files' addresses; both carry the request id.
    for method, path, status in (("GET", "/no/such/page", 404), ("DELETE", "/products", 405)):
        response = await client.request(method, path)
        assert (response.status, response.content_type) == (status, "text/html"), path
        assert "Back to the shop" in await response.text()
        assert response.headers["X-Request-ID"]
        assert response.headers["Cache-Control"] == "no-cache"
    for method, path, status in (("GET", "/static/missing.css", 404), ("POST", "/healthz", 405)):
        response = await client.request(method, path)
        assert (response.status, response.content_type) == (status, "application/json"), path
        assert (await response.json())["error"]["code"] in {"not_found", "method_not_allowed"}
        assert response.headers["X-Request-ID"]


async def test_add_update_and_remove_through_forms(client: TestClient, fake_backend: FakeBackend) -> None:
    response = await client.post(
        "/cart/items", data={"product_id": "3", "quantity": "2"}, allow_redirects=False
    )
    assert response.status == 303
    assert response.headers["Location"] == "/cart"
    cart_id = cart_cookie(client)
    assert cart_id in fake_backend.carts
    assert fake_backend.carts[cart_id] == {3: 2}

    await client.post("/cart/items", data={"product_id": "16", "quantity": "1"})
    html = await (await client.get("/cart")).text()
    assert "Kitchen item 3" in html
    assert "Garden item 16" in html
    assert "Subtotal (3 items)" in html
    assert "$51.78" in html  # 2 x 12.97 + 25.84

    await client.post("/cart/items/3", data={"quantity": "5", "action": "update"})
    assert fake_backend.carts[cart_id] == {3: 5, 16: 1}
    await client.post("/cart/items/16", data={"quantity": "1", "action": "remove"})
    await client.post("/cart/items/3", data={"quantity": "0", "action": "update"})
    assert fake_backend.carts[cart_id] == {}
    assert "Your cart is empty" in await (await client.get("/cart")).text()


async def test_cart_rejects_a_nonsense_quantity(client: TestClient, fake_backend: FakeBackend) -> None:
    response = await client.post("/cart/items", data={"product_id": "3", "quantity": "-1"})
    assert response.status == 400
    assert "Quantity must be a whole number" in await response.text()
    assert fake_backend.carts == {}


async def test_checkout_places_an_order_and_shows_the_confirmation(
    client: TestClient, fake_backend: FakeBackend
) -> None:
    await client.post("/cart/items", data={"product_id": "5", "quantity": "1"})
    form_html = await (await client.get("/checkout")).text()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', form_html).group(1)
    details = {
        "idempotency_key": key,
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "line1": "1 Analytical Row",
        "city": "London",
        "postal_code": "N1 9GU",
        "country": "GB",
    }
    response = await client.post("/checkout", data=details, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/orders/1000?email=ada@example.com"

    # The same form sent twice (a double click) is the same order.
    again = await client.post("/checkout", data=details, allow_redirects=False)
    assert again.headers["Location"] == response.headers["Location"]
    assert len(fake_backend.orders) == 1

    confirmation = await client.get(response.headers["Location"])
    html = await confirmation.text()
    assert confirmation.status == 200
    assert "Thank you, Ada Lovelace!" in html
    assert "#1000" in html
    assert "Kitchen item 5" in html
    assert "$14.95" in html


async def test_checkout_shows_validation_errors_next_to_the_field(client: TestClient) -> None:
    await client.post("/cart/items", data={"product_id": "5", "quantity": "1"})
    response = await client.post(
        "/checkout",
        data={
            "idempotency_key": "k1",
            "email": "nope",
            "name": "N",
            "line1": "L",
            "city": "C",
            "postal_code": "P",
            "country": "US",
        },
    )
    html = await response.text()
    assert response.status == 400
    assert 'aria-invalid="true" aria-describedby="email-error"' in html
    assert "Enter an email address such as name@example.com." in html
    assert "The highlighted fields need attention." in html
    assert 'value="nope"' in html  # what the visitor typed is kept


async def test_checkout_with_an_empty_cart_says_so(client: TestClient) -> None:
    html = await (await client.get("/checkout")).text()
    assert "Your cart is empty" in html


async def test_order_lookup_needs_the_right_email(client: TestClient) -> None:
    assert (await client.get("/orders/1000")).status == 404
    assert (await client.get("/orders/1000", params={"email": "someone@example.com"})).status == 404


async def test_pages_say_so_when_the_backend_is_down(client_without_backend: TestClient) -> None:
    response = await client_without_backend.get("/")
    assert response.status == 502
    assert response.content_type == "text/html"
    assert "We cannot reach the shop right now" in await response.text()


async def test_html_carries_a_content_security_policy(client: TestClient) -> None:
    response = await client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Request-ID"]


async def test_page_calls_carry_the_request_id_and_cart_id(
    client: TestClient, fake_backend: FakeBackend
) -> None:
    await client.post("/cart/items", data={"product_id": "2", "quantity": "1"})
    fake_backend.requests.clear()
    response = await client.get("/products/2", headers={"X-Request-ID": "trace-42"})
    assert response.headers["X-Request-ID"] == "trace-42"
    assert {request.path for request in fake_backend.requests} == {"/api/v1/products/2", "/api/v1/cart"}
    assert {request.headers["X-Request-ID"] for request in fake_backend.requests} == {"trace-42"}
    cart_request = next(request for request in fake_backend.requests if request.path == "/api/v1/cart")
    assert cart_request.headers["X-Cart-Id"] == cart_cookie(client)


async def test_an_oversized_form_is_an_html_413_that_says_so(
    client: TestClient, fake_backend: FakeBackend
) -> None:
    form = io.BytesIO(b"product_id=3&padding=" + b"x" * (2 * 1024 * 1024))  # over aiohttp's 1 MiB
    response = await client.post(
        "/cart/items", data=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status == 413
    assert response.content_type == "text/html"
    html = await response.text()
    assert "The form sent more data than the shop accepts." in html
    assert response.headers["X-Request-ID"]
    assert fake_backend.carts == {}
