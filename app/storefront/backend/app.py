"""The application factory: `create_app(config)` wires middlewares, routes and the external resources."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from storefront.backend.cache import CACHE, Cache, create_redis_client
from storefront.backend.config import CONFIG, BackendConfig
from storefront.backend.db import DATABASE, Database
from storefront.backend.routes import setup_routes


async def database_ctx(app: web.Application) -> AsyncIterator[None]:
    app[DATABASE] = await Database.connect(app[CONFIG])
    yield
    await app[DATABASE].close()


async def cache_ctx(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    client = create_redis_client(config) if config.cache_enabled else None
    app[CACHE] = Cache(
        client,
        ttl_seconds=config.cache_ttl_seconds,
        key_prefix=config.cache_key_prefix,
        timeout_seconds=config.redis_timeout_seconds,
        retry_after_seconds=config.redis_retry_after_seconds,
        local_ttl_seconds=config.cache_local_ttl_seconds,
    )
    yield
    await app[CACHE].close()


def create_app(config: BackendConfig) -> web.Application:
    # No middleware: request id, metrics and JSON errors are the service layer's (storefront.common.runner).
    app = web.Application(client_max_size=config.max_body_bytes)
    app[CONFIG] = config
    app.cleanup_ctx.append(database_ctx)
    app.cleanup_ctx.append(cache_ctx)
    setup_routes(app)
    return app
