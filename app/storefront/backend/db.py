"""The asyncpg connection pool, and the one place where "the database is unreachable" is recognised.

The pool opens no connection up front, so the service starts (and `/healthz` answers) while PostgreSQL
is still down; requests then get a 503 until it is back, without a crash loop.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from aiohttp import web

from storefront.backend.config import BackendConfig
from storefront.common.errors import DependencyUnavailable

log = logging.getLogger(__name__)

# The server is unreachable (OSError covers refused connections and timeouts), restarting, or has closed
# our connection (pg_terminate_backend, failover).
_UNAVAILABLE_ERRORS = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
)


class Database:
    """The pool plus the translation of connection failures; one per application (`DATABASE`)."""

    def __init__(self, pool: asyncpg.Pool, acquire_timeout: float) -> None:
        self.pool = pool
        self.acquire_timeout = acquire_timeout

    @classmethod
    async def connect(cls, config: BackendConfig) -> Database:
        pool = await asyncpg.create_pool(
            config.database_url,
            min_size=0,
            max_size=config.db_pool_max_size,
            timeout=config.db_connect_timeout_seconds,
            command_timeout=config.db_command_timeout_seconds,
        )
        return cls(pool, acquire_timeout=config.db_connect_timeout_seconds)

    async def close(self) -> None:
        await self.pool.close()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A pooled connection; losing the database on the way becomes `DependencyUnavailable` (503)."""
        try:
            async with self.pool.acquire(timeout=self.acquire_timeout) as conn:
                yield conn
        except _UNAVAILABLE_ERRORS as error:
            log.warning("PostgreSQL unavailable: %s", error, extra={"error_type": type(error).__name__})
            raise DependencyUnavailable("The database is unavailable, try again shortly.") from error

    async def ping(self) -> bool:
        try:
            async with self.connection() as conn:
                await conn.fetchval("SELECT 1")
        except DependencyUnavailable:
            return False
        return True


DATABASE = web.AppKey("database", Database)
