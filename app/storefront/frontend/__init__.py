"""The storefront frontend: server-rendered pages over the backend API, plus a proxy for /api/*."""

from .app import create_app
from .config import FrontendConfig

__all__ = ["FrontendConfig", "create_app"]
