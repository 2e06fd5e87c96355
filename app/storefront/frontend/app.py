"""The frontend application factory: pages rendered from the backend API, /api proxied to it."""

from __future__ import annotations

import aiohttp_jinja2
import jinja2
from aiohttp import web

from storefront.common.middlewares import HTTP_ERROR_PAGE

from .backend_client import backend_session_context
from .config import FrontendConfig
from .keys import BACKEND_ORIGIN_KEY, CONFIG_KEY, STATIC_KEY
from .middlewares import http_error_page
from .page_cache import PAGE_CACHE_KEY, PageCache
from .routes import setup_routes
from .static_assets import StaticManifest
from .templating import template_filters, template_globals


def create_app(config: FrontendConfig) -> web.Application:
    # No middleware: request id, metrics and errors are the service layer's (storefront.common.runner),
    # which shows the router's errors on page addresses as pages.
    app = web.Application()
    app[HTTP_ERROR_PAGE] = http_error_page
    app[CONFIG_KEY] = config
    app[BACKEND_ORIGIN_KEY] = str(config.backend_url)
    app[STATIC_KEY] = StaticManifest.build(config.static_dir)
    app[PAGE_CACHE_KEY] = PageCache(config.page_cache_seconds)
    environment = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(config.templates_dir),
        autoescape=jinja2.select_autoescape(default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates are part of the package and change only with a deploy: no stat() of each per render.
        auto_reload=False,
    )
    environment.globals.update(template_globals(app[STATIC_KEY]))
    environment.filters.update(template_filters())
    app.cleanup_ctx.append(backend_session_context)
    setup_routes(app)
    return app
