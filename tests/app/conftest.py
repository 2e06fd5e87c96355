"""Shared fixtures of the storefront tests: a private PostgreSQL database (migrated and seeded) and a
private Redis key prefix for this test session, on the servers at 127.0.0.1 (or DATABASE_URL/REDIS_URL).

The database is created as storefront_test_<pid> and dropped at the end; only keys under this
session's prefix are deleted from Redis, never the whole database.

`aiohttp_client(app)` serves a service's application as the service command does, through
`storefront.common.runner.ServiceRunner` (the service layer: request id, metrics, JSON errors).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from storefront.backend.config import BackendConfig
from storefront.backend.migrate import apply_migrations
from storefront.backend.seed import seed_catalog
from storefront.common.runner import ServiceRunner
from yarl import URL

from tests.support.postgres import scratch_database
from tests.support.redis_keys import delete_keys_with_prefix

SERVER_URL = URL(os.environ.get("DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
SESSION_KEY_PREFIX = f"storefront-test-{os.getpid()}-"


class ServiceTestServer(TestServer):
    """aiohttp's test server, on the services' runner."""

    async def _make_runner(self, **kwargs: Any) -> web.BaseRunner:
        return ServiceRunner(self.app, **kwargs)


@pytest.fixture
def aiohttp_client(aiohttp_client):
    """pytest-aiohttp's `aiohttp_client`, serving an application through the services' runner."""

    async def client(app_or_server: web.Application | TestServer, **kwargs: Any):
        if isinstance(app_or_server, web.Application):
            app_or_server = ServiceTestServer(app_or_server)
        return await aiohttp_client(app_or_server, **kwargs)

    return client


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    admin_url = str(SERVER_URL.with_path("/postgres"))
    with scratch_database(admin_url, f"storefront_test_{os.getpid()}") as url:
        apply_migrations(url)
        asyncio.run(seed_catalog(url))
        yield url


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    yield REDIS_URL
    delete_keys_with_prefix(REDIS_URL, SESSION_KEY_PREFIX)


@pytest.fixture(scope="session")
def session_key_prefix() -> str:
    """Every Redis key of this session starts with it (the session deletes them at the end)."""
    return SESSION_KEY_PREFIX


@pytest.fixture
def backend_config(database_url: str, redis_url: str) -> BackendConfig:
    """A configuration whose cache keys belong to this test alone (no hits left over by another test)."""
    return BackendConfig(
        database_url=database_url,
        redis_url=redis_url,
        cache_key_prefix=f"{SESSION_KEY_PREFIX}{uuid.uuid4().hex[:8]}:",
        access_log=False,
    )
