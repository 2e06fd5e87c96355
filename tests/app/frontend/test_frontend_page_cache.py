"""Catalog pages for visitors without a cart: rendered once per PAGE_CACHE_SECONDS and shared, while a
visitor with a cart always gets their own page (storefront/frontend/page_cache.py)."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestClient
from fake_backend import FakeBackend
from storefront.frontend import FrontendConfig, create_app


def backend_paths(fake_backend: FakeBackend) -> list[str]:
    return sorted(request.path for request in fake_backend.requests)


async def test_visitors_without_a_cart_share_one_render(
    client: TestClient, fake_backend: FakeBackend
) -> None:
    first = await client.get("/", headers={"X-Request-ID": "first"})
    assert backend_paths(fake_backend) == ["/api/v1/categories", "/api/v1/products"]
    fake_backend.requests.clear()
    second = await client.get("/", headers={"X-Request-ID": "second"})
    assert fake_backend.requests == []  # no backend call, no render
    assert await second.text() == await first.text()
    # The answer is still this request's: its id, and the HTML headers of any page.
    assert (second.status, second.headers["X-Request-ID"], second.content_type) == (
        200,
        "second",
        "text/html",
    )
    assert second.headers["Cache-Control"] == "no-cache"
    assert "default-src 'self'" in second.headers["Content-Security-Policy"]
    # Other addresses are other pages.
    await client.get("/products", params={"category": "garden"})
    await client.get("/products/3")
    assert backend_paths(fake_backend) == ["/api/v1/categories", "/api/v1/products", "/api/v1/products/3"]


async def test_concurrent_visitors_wait_for_one_render(client: TestClient, fake_backend: FakeBackend) -> None:
    pages = await asyncio.gather(*(client.get("/products/5") for _ in range(10)))
    assert {page.status for page in pages} == {200}
    assert len({await page.text() for page in pages}) == 1
    assert backend_paths(fake_backend) == ["/api/v1/products/5"]


async def test_a_visitor_with_a_cart_gets_their_own_page(
    client: TestClient, fake_backend: FakeBackend
) -> None:
    await client.get("/")
    await client.post("/cart/items", data={"product_id": "3", "quantity": "2"})
    fake_backend.requests.clear()
    html = await (await client.get("/")).text()
    assert "/api/v1/cart" in backend_paths(fake_backend)
    assert "/api/v1/products" in backend_paths(fake_backend)
    assert "data-cart-count>2<" in html


async def test_errors_are_not_kept(client: TestClient, fake_backend: FakeBackend) -> None:
    for _ in range(2):
        assert (await client.get("/products/999")).status == 404
    assert backend_paths(fake_backend) == ["/api/v1/products/999"] * 2


async def test_a_kept_page_is_rendered_again_once_its_time_is_up(
    aiohttp_client, frontend_config: FrontendConfig, fake_backend: FakeBackend
) -> None:
    seconds = 0.2
    client = await aiohttp_client(
        create_app(frontend_config.model_copy(update={"page_cache_seconds": seconds}))
    )
    await client.get("/products/4")
    await asyncio.sleep(seconds)
    await client.get("/products/4")
    assert backend_paths(fake_backend) == ["/api/v1/products/4"] * 2


async def test_page_cache_seconds_zero_renders_every_time(
    aiohttp_client, frontend_config: FrontendConfig, fake_backend: FakeBackend
) -> None:
    client = await aiohttp_client(create_app(frontend_config.model_copy(update={"page_cache_seconds": 0})))
    for _ in range(2):
        await client.get("/products/4")
    assert backend_paths(fake_backend) == ["/api/v1/products/4"] * 2
