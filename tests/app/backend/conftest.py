"""Fixtures of the backend tests: the app through its factory, a database connection for arranging and
checking state, and products created per test so that no test depends on another's stock."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import pytest
from aiohttp.test_utils import TestClient
from storefront.backend.app import create_app
from storefront.backend.config import BackendConfig
from yarl import URL

from .tcp_proxy import TcpProxy

MakeProduct = Callable[..., Awaitable[int]]
API = "/api/v1"
CHECKOUT_BODY = {
    "email": "ada@example.com",
    "name": "Ada Lovelace",
    "address": {
        "line1": "12 St James's Square",
        "city": "London",
        "postal_code": "SW1Y 4JH",
        "country": "GB",
    },
}


@pytest.fixture
async def api(aiohttp_client, backend_config: BackendConfig) -> TestClient:
    return await aiohttp_client(create_app(backend_config))


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(database_url)
    yield conn
    await conn.close()


@pytest.fixture
def make_product(db: asyncpg.Connection) -> MakeProduct:
    async def make(*, stock: int = 10, price_cents: int = 1000, name: str | None = None) -> int:
        token = uuid.uuid4().hex[:10]
        return await db.fetchval(
            """
            INSERT INTO products (sku, slug, name, description, price_cents, stock, category_id)
            SELECT $1, $2, $3, 'made by a test', $4, $5, id FROM categories WHERE slug = 'coffee'
            RETURNING id
            """,
            f"TEST-{token}",
            f"test-{token}",
            name or f"Test product {token}",
            price_cents,
            stock,
        )

    return make


async def new_cart(api: TestClient) -> str:
    """The cart of a new visitor (the test client keeps cookies like a browser, so forget them first)."""
    api.session.cookie_jar.clear()
    response = await api.get(f"{API}/cart")
    assert response.status == 200
    return (await response.json())["id"]


async def add_to_cart(api: TestClient, cart_id: str, product_id: int, quantity: int = 1) -> dict:
    response = await api.post(
        f"{API}/cart/items",
        json={"product_id": product_id, "quantity": quantity},
        headers={"X-Cart-Id": cart_id},
    )
    assert response.status == 200, await response.text()
    return await response.json()


@pytest.fixture
async def postgres_proxy(database_url: str) -> AsyncIterator[TcpProxy]:
    url = URL(database_url)
    proxy = TcpProxy(url.host, url.port or 5432)
    await proxy.start()
    yield proxy
    if proxy.running:
        await proxy.stop()


@pytest.fixture
async def redis_proxy(redis_url: str) -> AsyncIterator[TcpProxy]:
    url = URL(redis_url)
    proxy = TcpProxy(url.host, url.port or 6379)
    await proxy.start()
    yield proxy
    if proxy.running:
        await proxy.stop()


def through_proxy(url: str, proxy: TcpProxy) -> str:
    return str(URL(url).with_host("127.0.0.1").with_port(proxy.port))


def replace(config: BackendConfig, **changes) -> BackendConfig:
    return config.model_copy(update=changes)
