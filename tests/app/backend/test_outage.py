"""PostgreSQL going away: 503 JSON (never a 500 or a hang), readiness fails, and recovery by itself."""

from __future__ import annotations

from storefront.backend.app import create_app
from storefront.backend.config import BackendConfig

from .conftest import API, replace, through_proxy
from .tcp_proxy import TcpProxy


async def test_postgres_down_then_back(
    aiohttp_client, backend_config: BackendConfig, postgres_proxy: TcpProxy
) -> None:
    config = replace(
        backend_config,
        database_url=through_proxy(backend_config.database_url, postgres_proxy),
        cache_enabled=False,  # every read must reach PostgreSQL
    )
    api = await aiohttp_client(create_app(config))
    assert (await api.get(f"{API}/products")).status == 200
    assert (await api.get("/readyz")).status == 200

    await postgres_proxy.stop()
    for method, path in [("GET", f"{API}/products"), ("GET", f"{API}/cart"), ("GET", f"{API}/categories")]:
        response = await api.request(method, path)
        assert response.status == 503, path
        assert (await response.json())["error"]["code"] == "service_unavailable"
    ready = await api.get("/readyz")
    assert ready.status == 503
    assert await ready.json() == {"postgres": "unavailable", "redis": "disabled"}
    assert (await api.get("/healthz")).status == 200  # alive: restarting the pod would not help

    await postgres_proxy.start()
    assert (await api.get("/readyz")).status == 200
    assert (await api.get(f"{API}/products")).status == 200
    assert (await api.get(f"{API}/cart")).status == 200


async def test_the_service_starts_while_postgres_is_down(
    aiohttp_client, backend_config: BackendConfig, postgres_proxy: TcpProxy
) -> None:
    database_url = through_proxy(backend_config.database_url, postgres_proxy)
    await postgres_proxy.stop()
    api = await aiohttp_client(create_app(replace(backend_config, database_url=database_url)))
    assert (await api.get("/healthz")).status == 200
    assert (await api.get("/readyz")).status == 503
    await postgres_proxy.start()
    assert (await api.get("/readyz")).status == 200
