"""Cache-aside: MISS then HIT, invalidation when stock changes, and life without Redis."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Iterator

import asyncpg
import pytest
import redis
from aiohttp.test_utils import TestClient
from prometheus_client import REGISTRY
from storefront.backend.app import create_app
from storefront.backend.config import BackendConfig

from tests.support.net import free_port

from .conftest import API, CHECKOUT_BODY, MakeProduct, add_to_cart, new_cart, replace, through_proxy
from .tcp_proxy import TcpProxy


async def cache_state(api: TestClient, path: str, **params: str) -> tuple[str, dict]:
    response = await api.get(path, params=params)
    assert response.status == 200
    return response.headers["X-Cache"], await response.json()


async def test_reads_miss_then_hit(api: TestClient, make_product: MakeProduct) -> None:
    product_id = await make_product()
    for path, params in [
        (f"{API}/products/{product_id}", {}),
        (f"{API}/products", {"category": "tea", "sort": "price_desc"}),
        (f"{API}/categories", {}),
    ]:
        first_state, first = await cache_state(api, path, **params)
        second_state, second = await cache_state(api, path, **params)
        assert (first_state, second_state) == ("MISS", "HIT"), path
        assert first == second


async def test_different_queries_are_different_entries(api: TestClient) -> None:
    assert (await cache_state(api, f"{API}/products", page="1"))[0] == "MISS"
    assert (await cache_state(api, f"{API}/products", page="2"))[0] == "MISS"
    assert (await cache_state(api, f"{API}/products", page="1"))[0] == "HIT"


async def test_an_order_invalidates_the_product_and_the_listings(
    api: TestClient, make_product: MakeProduct
) -> None:
    product_id = await make_product(stock=7, name="Invalidation Espresso")
    detail, listing = f"{API}/products/{product_id}", f"{API}/products"
    await cache_state(api, detail)
    await cache_state(api, listing, q="Invalidation Espresso")
    assert (await cache_state(api, detail))[0] == "HIT"

    cart_id = await new_cart(api)
    await add_to_cart(api, cart_id, product_id, 3)
    ordered = await api.post(
        f"{API}/checkout", json=CHECKOUT_BODY, headers={"X-Cart-Id": cart_id, "Idempotency-Key": "inv"}
    )
    assert ordered.status == 201

    state, product = await cache_state(api, detail)
    assert (state, product["stock"]) == ("MISS", 4)
    state, page = await cache_state(api, listing, q="Invalidation Espresso")
    assert (state, page["items"][0]["stock"]) == ("MISS", 4)


async def test_cache_disabled_always_reads_postgres(aiohttp_client, backend_config: BackendConfig) -> None:
    api = await aiohttp_client(create_app(replace(backend_config, cache_enabled=False)))
    assert [(await cache_state(api, f"{API}/products"))[0] for _ in range(2)] == ["MISS", "MISS"]
    ready = await api.get("/readyz")
    assert (ready.status, await ready.json()) == (200, {"postgres": "ok", "redis": "disabled"})


def cache_errors() -> float:
    return metric_total("storefront_cache_errors_total")


async def test_redis_going_away_and_coming_back(
    aiohttp_client, backend_config: BackendConfig, redis_proxy: TcpProxy, make_product: MakeProduct
) -> None:
    config = replace(
        backend_config,
        redis_url=through_proxy(backend_config.redis_url, redis_proxy),
        redis_retry_after_seconds=0.0,
        cache_local_ttl_seconds=0,  # Redis itself answers every lookup (the process's copies: below)
    )
    api = await aiohttp_client(create_app(config))
    before, during, after = [await make_product() for _ in range(3)]
    await cache_state(api, f"{API}/products/{before}")
    assert (await cache_state(api, f"{API}/products/{before}"))[0] == "HIT"

    await redis_proxy.stop()
    errors_before = cache_errors()
    for product_id in (before, during, during):
        state, product = await cache_state(api, f"{API}/products/{product_id}")
        assert (state, product["id"]) == ("MISS", product_id)
    assert cache_errors() > errors_before
    ready = await api.get("/readyz")
    # PostgreSQL alone keeps the API useful, so the pod stays ready and says what is missing.
    assert (ready.status, await ready.json()) == (200, {"postgres": "ok", "redis": "unavailable"})

    await redis_proxy.start()
    assert [(await cache_state(api, f"{API}/products/{after}"))[0] for _ in range(2)] == ["MISS", "HIT"]
    ready = await api.get("/readyz")
    assert await ready.json() == {"postgres": "ok", "redis": "ok"}


async def test_hot_entries_are_served_by_the_process_until_an_order(
    aiohttp_client, backend_config: BackendConfig, redis_proxy: TcpProxy, make_product: MakeProduct
) -> None:
    config = replace(
        backend_config,
        redis_url=through_proxy(backend_config.redis_url, redis_proxy),
        cache_local_ttl_seconds=300.0,  # no copy expires during the test
    )
    api = await aiohttp_client(create_app(config))
    product_id = await make_product(stock=5, name="Near Cache Espresso")
    detail, listing = f"{API}/products/{product_id}", f"{API}/products"
    assert [(await cache_state(api, detail))[0] for _ in range(2)] == ["MISS", "HIT"]
    await cache_state(api, listing, q="Near Cache Espresso")

    redis_proxy.freeze()  # a copy kept in the process answers without asking Redis
    errors_before = cache_errors()
    state, product = await cache_state(api, detail)
    assert (state, product["stock"]) == ("HIT", 5)
    assert (await cache_state(api, listing, q="Near Cache Espresso"))[0] == "HIT"
    assert cache_errors() == errors_before

    # An order in this process drops its copies at once, although Redis does not answer.
    cart_id = await new_cart(api)
    await add_to_cart(api, cart_id, product_id, 2)
    ordered = await api.post(
        f"{API}/checkout", json=CHECKOUT_BODY, headers={"X-Cart-Id": cart_id, "Idempotency-Key": "near"}
    )
    assert ordered.status == 201
    state, product = await cache_state(api, detail)
    assert (state, product["stock"]) == ("MISS", 3)
    state, page = await cache_state(api, listing, q="Near Cache Espresso")
    assert (state, page["items"][0]["stock"]) == ("MISS", 3)
    redis_proxy.thaw()


async def test_other_processes_see_an_order_within_the_local_ttl(
    aiohttp_client, backend_config: BackendConfig, make_product: MakeProduct
) -> None:
    local_ttl = 0.5
    config = replace(backend_config, cache_local_ttl_seconds=local_ttl)
    ordering, other = [await aiohttp_client(create_app(config)) for _ in range(2)]  # one Redis, two pods
    product_id = await make_product(stock=9)
    detail = f"{API}/products/{product_id}"
    assert [(await cache_state(other, detail))[0] for _ in range(2)] == ["MISS", "HIT"]

    cart_id = await new_cart(ordering)
    await add_to_cart(ordering, cart_id, product_id, 1)
    ordered = await ordering.post(
        f"{API}/checkout", json=CHECKOUT_BODY, headers={"X-Cart-Id": cart_id, "Idempotency-Key": "ttl"}
    )
    assert ordered.status == 201
    assert (await cache_state(ordering, detail))[1]["stock"] == 8
    # The other process may still show its copy, but not once the local TTL has passed since it read it.
    await asyncio.sleep(local_ttl)
    state, product = await cache_state(other, detail)
    assert product["stock"] == 8
    assert state == "HIT"  # refilled from Redis by the ordering process's read above


async def test_postgres_is_not_asked_on_a_hit(
    api: TestClient, db: asyncpg.Connection, make_product: MakeProduct
) -> None:
    product_id = await make_product(price_cents=111)
    await cache_state(api, f"{API}/products/{product_id}")
    # Changed behind the API's back: a hit still serves the stored copy (until an order or the TTL).
    await db.execute("UPDATE products SET price_cents = 222 WHERE id = $1", product_id)
    state, product = await cache_state(api, f"{API}/products/{product_id}")
    assert (state, product["price_cents"]) == ("HIT", 111)


def metric_total(name: str) -> float:
    return sum(
        sample.value for metric in REGISTRY.collect() for sample in metric.samples if sample.name == name
    )


async def test_concurrent_misses_share_one_database_read(api: TestClient, make_product: MakeProduct) -> None:
    product_id = await make_product()
    loads_before = metric_total("storefront_cache_loads_total")
    responses = await asyncio.gather(*(api.get(f"{API}/products/{product_id}") for _ in range(10)))
    assert {response.status for response in responses} == {200}
    assert {response.headers["X-Cache"] for response in responses} == {"MISS"}
    assert metric_total("storefront_cache_loads_total") - loads_before == 1
    assert (await cache_state(api, f"{API}/products/{product_id}"))[0] == "HIT"


async def test_concurrent_lookups_of_an_unknown_product_all_get_404(api: TestClient) -> None:
    responses = await asyncio.gather(*(api.get(f"{API}/products/{2**31 - 2}") for _ in range(5)))
    assert {response.status for response in responses} == {404}


@pytest.fixture
def redis_with_password(tmp_path) -> Iterator[str]:
    """A private redis-server that requires AUTH (as ElastiCache with an auth token does)."""
    port = free_port()
    server = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--requirepass",
            "s3cret-token",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, password="s3cret-token")
    try:
        while True:
            assert server.poll() is None, "redis-server exited"
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        server.terminate()
        server.wait()


@pytest.mark.parametrize(("password", "cached"), [("s3cret-token", True), ("wrong", False), (None, False)])
async def test_redis_password_overrides_the_url(
    aiohttp_client,
    backend_config: BackendConfig,
    redis_with_password: str,
    make_product: MakeProduct,
    password: str | None,
    cached: bool,
) -> None:
    url_with_stale_password = redis_with_password.replace("redis://", "redis://:old-token@")
    config = replace(backend_config, redis_url=url_with_stale_password, redis_password=password)
    api = await aiohttp_client(create_app(config))
    product_id = await make_product()
    states = [(await cache_state(api, f"{API}/products/{product_id}"))[0] for _ in range(2)]
    # Refused AUTH is a Redis outage like any other: answers still come, from PostgreSQL.
    assert states == (["MISS", "HIT"] if cached else ["MISS", "MISS"])
    assert (await (await api.get("/readyz")).json())["redis"] == ("ok" if cached else "unavailable")


async def test_an_invalidation_lost_to_a_redis_stall_is_retried_once_redis_is_back(
    aiohttp_client,
    backend_config: BackendConfig,
    redis_proxy: TcpProxy,
    make_product: MakeProduct,
) -> None:
    config = replace(
        backend_config,
        redis_url=through_proxy(backend_config.redis_url, redis_proxy),
        redis_retry_after_seconds=0.2,
    )
    api = await aiohttp_client(create_app(config))
    product_id = await make_product(stock=19, name="Stalled Redis Espresso")
    detail = f"{API}/products/{product_id}"
    await cache_state(api, detail)
    assert await cache_state(api, detail) == ("HIT", await (await api.get(detail)).json())
    await cache_state(api, f"{API}/products", q="Stalled Redis Espresso")

    redis_proxy.freeze()
    cart_id = await new_cart(api)
    await add_to_cart(api, cart_id, product_id, 1)
    order = await api.post(
        f"{API}/checkout", json=CHECKOUT_BODY, headers={"X-Cart-Id": cart_id, "Idempotency-Key": "stall-1"}
    )
    assert order.status == 201
    # While the invalidation is pending this process answers from PostgreSQL, never the stale entry.
    state, product = await cache_state(api, detail)
    assert (state, product["stock"]) == ("MISS", 18)
    state, listing = await cache_state(api, f"{API}/products", q="Stalled Redis Espresso")
    assert (state, [item["stock"] for item in listing["items"]]) == ("MISS", [18])

    redis_proxy.thaw()
    # Every other process reads Redis directly: the stale entry must leave it, without any request here.
    direct = redis.Redis.from_url(backend_config.redis_url)
    stale_key = f"{config.cache_key_prefix}product:{product_id}"
    try:
        for _ in range(200):
            if not direct.exists(stale_key):
                break
            await asyncio.sleep(0.05)
        assert not direct.exists(stale_key)
    finally:
        direct.close()
    # And this process caches again once the invalidation went through.
    assert [(await cache_state(api, detail))[0] for _ in range(2)] == ["MISS", "HIT"]
    assert (await cache_state(api, detail))[1]["stock"] == 18
