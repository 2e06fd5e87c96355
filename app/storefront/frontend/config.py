"""Frontend configuration, read from environment variables only (the Helm chart sets them)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, ClassVar

from pydantic import BeforeValidator, Field
from yarl import URL

from storefront.common.config import ConfigError, ServiceSettings

__all__ = ["ConfigError", "FrontendConfig"]

PACKAGE_DIR = Path(__file__).resolve().parent


def _http_origin(value: object) -> URL:
    url = URL(str(value))
    if url.scheme not in {"http", "https"} or not url.host:
        raise ValueError(f"must be an http(s) URL, got {str(url)!r}")
    return url.origin()  # API paths are absolute: /api/v1/...


class FrontendConfig(ServiceSettings):
    model_config = ServiceSettings.model_config | {"arbitrary_types_allowed": True}

    port: Annotated[int, Field(ge=0, le=65535)] = 8080
    backend_url: Annotated[URL, BeforeValidator(_http_origin)] = URL("http://127.0.0.1:8081")
    # Connecting fails fast (the backend is on the same network); a slow answer gets longer before a 504.
    backend_connect_timeout: Annotated[float, Field(gt=0)] = 2.0
    backend_read_timeout: Annotated[float, Field(gt=0)] = 15.0
    backend_max_connections: Annotated[int, Field(ge=1)] = 100
    # Catalog pages for visitors without a cart are rendered at most once this often (0: every time).
    page_cache_seconds: Annotated[float, Field(ge=0)] = 1.0
    # Part of the package, not configuration.
    static_dir: ClassVar[Path] = PACKAGE_DIR / "static"
    templates_dir: ClassVar[Path] = PACKAGE_DIR / "templates"
