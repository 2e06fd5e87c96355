"""Typed keys of the frontend application's state."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from .config import FrontendConfig
from .static_assets import StaticManifest

CONFIG_KEY = web.AppKey("config", FrontendConfig)
BACKEND_SESSION_KEY = web.AppKey("backend_session", aiohttp.ClientSession)
# BACKEND_URL as text (scheme://host:port), which the proxy prefixes to each raw path.
BACKEND_ORIGIN_KEY = web.AppKey("backend_origin", str)
STATIC_KEY = web.AppKey("static_manifest", StaticManifest)
