"""Backend configuration, read from environment variables only (the Helm chart and its Secret set them)."""

from __future__ import annotations

from typing import Annotated

from aiohttp import web
from pydantic import AfterValidator, Field

from storefront.common.config import ConfigError, ServiceSettings

__all__ = ["CONFIG", "BackendConfig", "ConfigError"]


def _scheme(*schemes: str, what: str):
    def check(url: str) -> str:
        if not url.startswith(schemes):
            raise ValueError(f"must start with {what}")  # never the URL itself: it may carry a password
        return url

    return AfterValidator(check)


Port = Annotated[int, Field(ge=0, le=65535)]
Seconds = Annotated[float, Field(gt=0)]


class BackendConfig(ServiceSettings):
    port: Port = 8081
    database_url: Annotated[str, _scheme("postgresql://", "postgres://", what="postgresql://")] = Field(
        default="postgresql://postgres@127.0.0.1:5432/storefront", repr=False
    )
    db_pool_max_size: Annotated[int, Field(ge=1)] = 10
    # Short enough that a dead database turns into a quick 503 instead of a hung request.
    db_connect_timeout_seconds: Seconds = 3.0
    db_command_timeout_seconds: Seconds = 10.0
    # rediss:// selects TLS (ElastiCache in-transit encryption); REDIS_PASSWORD is the AUTH token.
    redis_url: Annotated[str, _scheme("redis://", "rediss://", what="redis:// or rediss://")] = Field(
        default="redis://127.0.0.1:6379/0", repr=False
    )
    redis_password: str | None = Field(default=None, repr=False)
    # Redis is an optimisation: wait for it briefly, then answer from PostgreSQL.
    redis_timeout_seconds: Seconds = 0.25
    # After a failed Redis call the cache steps aside this long before trying Redis again.
    redis_retry_after_seconds: Annotated[float, Field(ge=0)] = 1.0
    cache_enabled: bool = True
    cache_ttl_seconds: Annotated[int, Field(ge=1)] = 300
    # Namespaces the keys so that several deployments (or test sessions) can share one Redis.
    cache_key_prefix: str = "storefront:"
    # Hot entries are also kept in each process this long (0: off): a hit then needs no Redis round trip,
    # and other processes see an order's new stock up to this much later (storefront/backend/cache.py).
    cache_local_ttl_seconds: Annotated[float, Field(ge=0)] = 1.0
    max_body_bytes: Annotated[int, Field(ge=1024)] = 64 * 1024
    # Set behind HTTPS (CloudFront/ALB); left off so the cart works over plain http on a laptop.
    cart_cookie_secure: bool = False


CONFIG = web.AppKey("config", BackendConfig)
