"""Frontend configuration, read from environment variables only (the Helm chart sets them)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from yarl import URL

from storefront.common.config import (
    ConfigError,
    env_bool,
    env_float,
    env_int,
    env_log_level,
    env_port,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent


# No slots: from_env reads the defaults off the class, where slots would put descriptors instead.
@dataclass(frozen=True)
class FrontendConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    backend_url: URL = URL("http://127.0.0.1:8081")  # noqa: RUF009 (a URL is immutable)
    # Connecting fails fast (the backend is on the same network); a slow answer gets longer before a 504.
    backend_connect_timeout: float = 2.0
    backend_read_timeout: float = 15.0
    backend_max_connections: int = 100
    log_level: str = "INFO"
    # One JSON line per request; off where the ALB's access log already records every request.
    access_log: bool = True
    static_dir: Path = PACKAGE_DIR / "static"
    templates_dir: Path = PACKAGE_DIR / "templates"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> FrontendConfig:
        environ = os.environ if environ is None else environ
        backend_url = URL(env_str(environ, "BACKEND_URL", str(cls.backend_url)))
        if backend_url.scheme not in {"http", "https"} or not backend_url.host:
            raise ConfigError(f"BACKEND_URL must be an http(s) URL, got {str(backend_url)!r}")
        return cls(
            host=env_str(environ, "HOST", cls.host),
            port=env_port(environ, "PORT", cls.port),
            backend_url=backend_url.origin(),  # API paths are absolute: /api/v1/...
            backend_connect_timeout=env_float(
                environ, "BACKEND_CONNECT_TIMEOUT", cls.backend_connect_timeout
            ),
            backend_read_timeout=env_float(environ, "BACKEND_READ_TIMEOUT", cls.backend_read_timeout),
            backend_max_connections=env_int(
                environ, "BACKEND_MAX_CONNECTIONS", cls.backend_max_connections, minimum=1
            ),
            log_level=env_log_level(environ),
            access_log=env_bool(environ, "ACCESS_LOG", cls.access_log),
        )
