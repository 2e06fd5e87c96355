"""Frontend configuration, read from environment variables only (twelve-factor; the Helm chart sets them)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from yarl import URL

PACKAGE_DIR = Path(__file__).resolve().parent


class ConfigError(ValueError):
    """An environment variable holds a value the frontend cannot use."""


def _positive_float(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be greater than 0, got {raw!r}")
    return value


def _port(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name) or str(default)
    if not raw.isdigit() or not 0 <= int(raw) <= 65535:
        raise ConfigError(f"{name} must be a TCP port (0-65535), got {raw!r}")
    return int(raw)


@dataclass(frozen=True, slots=True)
class FrontendConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    backend_url: URL = URL("http://127.0.0.1:8081")
    # The proxy gives up on connecting quickly (502) but lets slow answers run longer before a 504.
    backend_connect_timeout: float = 2.0
    backend_read_timeout: float = 15.0
    # Upper bound on pooled connections to the backend; aiohttp's default of 100 suits one pod.
    backend_max_connections: int = 100
    static_dir: Path = PACKAGE_DIR / "static"
    templates_dir: Path = PACKAGE_DIR / "templates"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> FrontendConfig:
        environ = os.environ if environ is None else environ
        backend_url = URL(environ.get("BACKEND_URL") or str(cls.backend_url))
        if backend_url.scheme not in {"http", "https"} or not backend_url.host:
            raise ConfigError(f"BACKEND_URL must be an http(s) URL, got {str(backend_url)!r}")
        max_connections = environ.get("BACKEND_MAX_CONNECTIONS") or str(cls.backend_max_connections)
        if not max_connections.isdigit() or int(max_connections) < 1:
            raise ConfigError(f"BACKEND_MAX_CONNECTIONS must be a positive integer, got {max_connections!r}")
        return cls(
            host=environ.get("HOST") or cls.host,
            port=_port(environ, "PORT", cls.port),
            backend_url=backend_url.with_path(backend_url.path.rstrip("/")),
            backend_connect_timeout=_positive_float(
                environ, "BACKEND_CONNECT_TIMEOUT", cls.backend_connect_timeout
            ),
            backend_read_timeout=_positive_float(environ, "BACKEND_READ_TIMEOUT", cls.backend_read_timeout),
            backend_max_connections=int(max_connections),
        )
