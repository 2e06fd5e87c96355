"""Cache-aside for catalog reads in Redis, with PostgreSQL as the source of truth.

Entries hold the finished JSON body, so a hit costs one Redis GET and no serialisation. Product entries
are keyed by id; listing entries by a digest of the query and remembered in an index set, so that a change
to any product (its stock after an order) drops every listing that may show it.

Concurrent lookups of one key share a single Redis GET, and concurrent misses a single PostgreSQL read
(single flight): popular entries are requested by many clients at once, and one round trip answers all.

Redis is an optimisation, never a dependency: when a call fails the cache steps aside for
`retry_after_seconds` (requests go straight to PostgreSQL, no per-request timeout), then tries again, so
the service recovers by itself when Redis is back. Failures are logged on the transition and counted.

An invalidation that fails (Redis unreachable or frozen) is not dropped: the entries it names are marked
stale in this process, which reads them from PostgreSQL (and does not store them) until the invalidation
succeeds, and the invalidation is retried every `retry_after_seconds` in the background. Other processes
see the old entries only until Redis answers again plus one retry interval, seconds rather than the TTL.

Each process also keeps the bodies it last read from or wrote to Redis for `local_ttl_seconds` (1 s by
default, CACHE_LOCAL_TTL_SECONDS; 0 turns it off), at most `LOCAL_MAX_ENTRIES` of them: a hot entry then
costs no Redis round trip at all, which on a cache hit was the largest part of the request's CPU time. An
invalidation empties this process's copies at once, whether or not Redis acknowledged it; other processes
keep theirs for at most `local_ttl_seconds` more. Only bodies that Redis holds are kept, so while Redis is
unreachable nothing new is kept, and a kept copy is never older than the Redis entry plus that second.

Known limits, bounded by the TTL: a process that dies while an invalidation is still pending takes it
along; a reader that loaded PostgreSQL just before an order committed may store the old stock just after
the order's invalidation.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from aiohttp import web
from prometheus_client import Counter, Gauge
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from storefront.backend.config import BackendConfig
from storefront.common.metrics import LoopCounter

# Counted on every catalog request: without a lock (storefront.common.metrics.LoopCounter).
CACHE_LOOKUPS = LoopCounter("storefront_cache_lookups_total", "Catalog cache lookups", ["result"])
_HITS, _MISSES = CACHE_LOOKUPS.labels("hit"), CACHE_LOOKUPS.labels("miss")
CACHE_LOADS = Counter("storefront_cache_loads_total", "Cache misses answered by reading PostgreSQL")
CACHE_ERRORS = Counter("storefront_cache_errors_total", "Failed Redis calls, by operation", ["operation"])
CACHE_AVAILABLE = Gauge("storefront_cache_available", "1 while Redis answers, 0 while the cache is bypassed")

log = logging.getLogger(__name__)
# Pending invalidations are retried no faster than this, even with REDIS_RETRY_AFTER_SECONDS=0.
MIN_RETRY_INTERVAL_SECONDS = 0.1
# Bodies kept in process at most (the listings people browse are few; odd queries evict the oldest first).
LOCAL_MAX_ENTRIES = 1024

T = TypeVar("T")


def create_redis_client(config: BackendConfig) -> Redis:
    client = Redis.from_url(
        config.redis_url,
        # Each call is bounded by `Cache.timeout_seconds` as a whole; a per-socket-operation timeout in
        # redis-py would cost a task per command (asyncio.wait_for) for the same protection.
        socket_timeout=None,
        socket_connect_timeout=config.redis_timeout_seconds,
        # One attempt per call: the circuit in `Cache` decides when to try again.
        retry=Retry(NoBackoff(), 0),
    )
    if config.redis_password:
        # Options parsed from the URL win over keyword arguments in redis-py, so set the AUTH token here.
        client.connection_pool.connection_kwargs["password"] = config.redis_password
    return client


class Cache:
    def __init__(
        self,
        client: Redis | None,
        *,
        ttl_seconds: int,
        key_prefix: str,
        timeout_seconds: float = 0.25,
        retry_after_seconds: float = 1.0,
        local_ttl_seconds: float = 0.0,
    ) -> None:
        self.client = client
        self.local_ttl_seconds = local_ttl_seconds
        # key -> (monotonic expiry, body): copies of Redis entries, oldest first.
        self._local: dict[str, tuple[float, bytes]] = {}
        # Counts invalidations: a body read before one is not kept after it.
        self._local_epoch = 0
        self.timeout_seconds = timeout_seconds
        self.retry_after_seconds = retry_after_seconds
        self.ttl_seconds = ttl_seconds
        self.key_prefix = key_prefix
        self._listing_index = f"{key_prefix}listings"
        self._bypass_until = 0.0
        self._available = True
        self._pending_gets: dict[str, asyncio.Future[bytes | None]] = {}
        self._pending_loads: dict[str, asyncio.Future[bytes]] = {}
        # Invalidations that Redis has not acknowledged yet: the product keys, whether listings are stale,
        # and the task that retries them.
        self._stale_keys: set[str] = set()
        self._stale_listings = False
        self._stale_generation = 0
        self._retry_task: asyncio.Task[None] | None = None
        CACHE_AVAILABLE.set(1 if client is not None else 0)

    @property
    def enabled(self) -> bool:
        return self.client is not None

    def product_key(self, product_id: int) -> str:
        return f"{self.key_prefix}product:{product_id}"

    def listing_key(self, kind: str, query: str) -> str:
        return f"{self.key_prefix}{kind}:{query}"

    async def get(self, key: str) -> bytes | None:
        if self.client is None:
            return None
        value = await self._single_flight(
            self._pending_gets, key, lambda: self._call("get", lambda client: client.get(key))
        )
        (_HITS if value is not None else _MISSES).inc()
        return value

    async def get_or_load(
        self, key: str, load: Callable[[], Awaitable[bytes]], *, listing: bool = False
    ) -> tuple[bytes, bool]:
        """(body, was it a hit). On a miss, concurrent callers share one `load` and one store, so an
        expired popular entry costs PostgreSQL one query, not one per waiting request."""
        if self.client is None or key in self._stale_keys or (listing and self._stale_listings):
            # Cache off, or an invalidation of this entry is still pending: only PostgreSQL is current.
            return await load(), False
        kept = self.kept(key)
        if kept is not None:
            return kept, True
        epoch = self._local_epoch
        body = await self.get(key)
        if body is not None:
            self._keep(key, body, epoch)
            return body, True

        async def load_and_store() -> bytes:
            CACHE_LOADS.inc()
            fresh = await load()
            if await self.put(key, fresh, listing=listing):
                self._keep(key, fresh, epoch)
            return fresh

        return await self._single_flight(self._pending_loads, key, load_and_store), False

    def kept(self, key: str, *, listing: bool = False) -> bytes | None:
        """This process's copy of the entry, if it has a current one (a hit, counted as such): what
        `get_or_load` answers first, without a coroutine or a loader, for the views' fast path."""
        kept = self._local.get(key)
        if kept is None:
            return None
        if kept[0] <= time.monotonic():
            del self._local[key]
            return None
        if key in self._stale_keys or (listing and self._stale_listings):
            return None  # never kept while stale (invalidations empty the copies); checked all the same
        _HITS.inc()
        return kept[1]

    @staticmethod
    async def _single_flight(
        pending: dict[str, asyncio.Future[T]], key: str, start: Callable[[], Awaitable[T]]
    ) -> T:
        """Join the call in flight for `key`, or start it. Shielded: a caller that goes away must not
        cancel the call that others are waiting for."""
        future = pending.get(key)
        if future is None:
            future = asyncio.ensure_future(start())
            pending[key] = future

            def forget(done: asyncio.Future[T]) -> None:
                if pending.get(key) is done:
                    del pending[key]

            future.add_done_callback(forget)
        return await asyncio.shield(future)

    def _keep(self, key: str, body: bytes, epoch: int) -> None:
        """Keep a copy of what Redis holds under `key` in this process, for `local_ttl_seconds`, unless an
        invalidation happened since it was read (`epoch`)."""
        if self.local_ttl_seconds <= 0 or epoch != self._local_epoch:
            return
        self._local.pop(key, None)  # re-inserted last: the dict's order is the eviction order
        if len(self._local) >= LOCAL_MAX_ENTRIES:
            del self._local[next(iter(self._local))]
        self._local[key] = (time.monotonic() + self.local_ttl_seconds, body)

    async def put(self, key: str, body: bytes, *, listing: bool = False) -> bool:
        """Store `body` under `key` for the TTL; True if Redis acknowledged it."""

        async def store(client: Redis) -> bool:
            async with client.pipeline(transaction=False) as pipe:
                pipe.set(key, body, ex=self.ttl_seconds)
                if listing:
                    pipe.sadd(self._listing_index, key)
                    # The index outlives its members by one TTL, never forever.
                    pipe.expire(self._listing_index, 2 * self.ttl_seconds)
                await pipe.execute()
            return True

        return bool(await self._call("set", store))

    async def invalidate_products(self, product_ids: Iterable[int]) -> None:
        """Drop the entries of these products and every listing (any listing may show them). If Redis does
        not acknowledge it, the entries stay stale for this process and the drop is retried."""
        product_keys = {self.product_key(product_id) for product_id in product_ids}
        # This process's copies go first, and all of them: any listing may show these products. Orders are
        # rare next to reads, so refilling them costs little.
        self._local.clear()
        self._local_epoch += 1
        if self.client is None or await self._drop(product_keys):
            return
        self._stale_keys |= product_keys
        self._stale_listings = True
        self._stale_generation += 1
        if self._retry_task is None:
            self._retry_task = asyncio.create_task(self._retry_invalidations())

    async def _drop(self, product_keys: Iterable[str]) -> bool:
        async def drop(client: Redis) -> bool:
            listings = await client.smembers(self._listing_index)
            await client.delete(*product_keys, *listings, self._listing_index)
            return True

        return bool(await self._call("invalidate", drop))

    async def _retry_invalidations(self) -> None:
        try:
            while self._stale_keys or self._stale_listings:
                await asyncio.sleep(max(self.retry_after_seconds, MIN_RETRY_INTERVAL_SECONDS))
                keys, generation = set(self._stale_keys), self._stale_generation
                if await self._drop(keys):
                    self._stale_keys -= keys
                    if generation == self._stale_generation:  # no invalidation failed meanwhile
                        self._stale_listings = False
                    log.info("pending cache invalidation done", extra={"keys": len(keys)})
        finally:
            self._retry_task = None

    async def ping(self) -> bool:
        """Probe Redis now, whether or not the cache is currently stepping aside (for /readyz)."""
        if self.client is None:
            return False
        self._bypass_until = 0.0
        return bool(await self._call("ping", lambda client: client.ping()))

    async def close(self) -> None:
        if self._retry_task is not None:
            self._retry_task.cancel()
        if self.client is not None:
            await self.client.aclose()

    async def _call(self, operation: str, call: Callable[[Redis], Awaitable[T]]) -> T | None:
        if self.client is None or time.monotonic() < self._bypass_until:
            return None
        try:
            async with asyncio.timeout(self.timeout_seconds):
                result = await call(self.client)
        except (RedisError, OSError) as error:  # OSError includes TimeoutError
            CACHE_ERRORS.labels(operation).inc()
            self._bypass_until = time.monotonic() + self.retry_after_seconds
            if self._available:
                self._available = False
                CACHE_AVAILABLE.set(0)
                log.warning(
                    "Redis unavailable, answering from PostgreSQL: %s",
                    error,
                    extra={"operation": operation, "error_type": type(error).__name__},
                )
            return None
        if not self._available:
            self._available = True
            CACHE_AVAILABLE.set(1)
            log.info("Redis is back, caching again")
        return result


CACHE = web.AppKey("cache", Cache)
