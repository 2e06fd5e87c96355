"""Backend configuration, read from environment variables only (the Helm chart and its Secret set them)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web

from storefront.common.config import (
    ConfigError,
    env_bool,
    env_float,
    env_int,
    env_log_level,
    env_optional_str,
    env_port,
    env_str,
)

__all__ = ["CONFIG", "BackendConfig", "ConfigError"]


# No slots: `from_env` reads the defaults back as class attributes.
@dataclass(frozen=True)
class BackendConfig:
    host: str = "127.0.0.1"
    port: int = 8081
    database_url: str = "postgresql://postgres@127.0.0.1:5432/storefront"
    db_pool_max_size: int = 10
    # Short enough that a dead database turns into a quick 503 instead of a hung request.
    db_connect_timeout_seconds: float = 3.0
    db_command_timeout_seconds: float = 10.0
    # rediss:// selects TLS (ElastiCache in-transit encryption); REDIS_PASSWORD is the AUTH token.
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_password: str | None = None
    # Redis is an optimisation: wait for it briefly, then answer from PostgreSQL.
    redis_timeout_seconds: float = 0.25
    # After a failed Redis call the cache steps aside this long before trying Redis again.
    redis_retry_after_seconds: float = 1.0
    cache_enabled: bool = True
    cache_ttl_seconds: int = 300
    # Namespaces the keys so that several deployments (or test sessions) can share one Redis.
    cache_key_prefix: str = "storefront:"
    max_body_bytes: int = 64 * 1024
    # Set behind HTTPS (CloudFront/ALB); left off so the cart works over plain http on a laptop.
    cart_cookie_secure: bool = False
    log_level: str = "INFO"
    access_log: bool = True

    def __repr__(self) -> str:
        # Passwords can sit in either URL; keep them out of logs and tracebacks.
        return f"BackendConfig(host={self.host!r}, port={self.port}, cache_enabled={self.cache_enabled})"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> BackendConfig:
        environ = os.environ if environ is None else environ
        redis_url = env_str(environ, "REDIS_URL", cls.redis_url)
        if not redis_url.startswith(("redis://", "rediss://")):
            raise ConfigError("REDIS_URL must start with redis:// or rediss://")
        database_url = env_str(environ, "DATABASE_URL", cls.database_url)
        if not database_url.startswith(("postgresql://", "postgres://")):
            raise ConfigError("DATABASE_URL must start with postgresql://")
        return cls(
            host=env_str(environ, "HOST", cls.host),
            port=env_port(environ, "PORT", cls.port),
            database_url=database_url,
            db_pool_max_size=env_int(environ, "DB_POOL_MAX_SIZE", cls.db_pool_max_size, minimum=1),
            db_connect_timeout_seconds=env_float(
                environ, "DB_CONNECT_TIMEOUT_SECONDS", cls.db_connect_timeout_seconds
            ),
            db_command_timeout_seconds=env_float(
                environ, "DB_COMMAND_TIMEOUT_SECONDS", cls.db_command_timeout_seconds
            ),
            redis_url=redis_url,
            redis_password=env_optional_str(environ, "REDIS_PASSWORD"),
            redis_timeout_seconds=env_float(environ, "REDIS_TIMEOUT_SECONDS", cls.redis_timeout_seconds),
            redis_retry_after_seconds=env_float(
                environ, "REDIS_RETRY_AFTER_SECONDS", cls.redis_retry_after_seconds, positive=False
            ),
            cache_enabled=env_bool(environ, "CACHE_ENABLED", cls.cache_enabled),
            cache_ttl_seconds=env_int(environ, "CACHE_TTL_SECONDS", cls.cache_ttl_seconds, minimum=1),
            cache_key_prefix=env_str(environ, "CACHE_KEY_PREFIX", cls.cache_key_prefix),
            max_body_bytes=env_int(environ, "MAX_BODY_BYTES", cls.max_body_bytes, minimum=1024),
            cart_cookie_secure=env_bool(environ, "CART_COOKIE_SECURE", cls.cart_cookie_secure),
            log_level=env_log_level(environ),
            access_log=env_bool(environ, "ACCESS_LOG", cls.access_log),
        )


CONFIG = web.AppKey("config", BackendConfig)
