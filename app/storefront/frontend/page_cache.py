"""Catalog pages as rendered for visitors without a cart, kept for `PAGE_CACHE_SECONDS` (1 s by default).

The home page, listings and product pages show the same HTML to every visitor who has no cart yet (most
visitors, and every crawler): rendering them again for each cost the frontend two backend calls and a
template render per request. Within one second they get the page that the first of them caused. A visitor
with a cart cookie always gets a page rendered for them (the header shows their cart). Only complete 200
answers that set no cookie are kept; errors are never kept. The stock a kept page shows is at most this
much older than the backend's answer (see storefront/backend/cache.py for the backend's own bound).

Concurrent misses of one page share one render (single flight), so a page that expires under load is
rendered once, not once per waiting visitor.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from storefront.common.cart import CART_COOKIE

PageHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Kept pages at most (a listing page per query: odd queries evict the oldest first).
MAX_PAGES = 512


class PageCache:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._pages: dict[str, tuple[float, bytes]] = {}  # raw path and query -> (monotonic expiry, body)
        self._rendering: dict[str, asyncio.Future[bytes | None]] = {}

    def get(self, key: str) -> bytes | None:
        kept = self._pages.get(key)
        if kept is None:
            return None
        if kept[0] > time.monotonic():
            return kept[1]
        del self._pages[key]
        return None

    def put(self, key: str, body: bytes) -> None:
        self._pages.pop(key, None)  # re-inserted last: the dict's order is the eviction order
        if len(self._pages) >= MAX_PAGES:
            del self._pages[next(iter(self._pages))]
        self._pages[key] = (time.monotonic() + self.seconds, body)

    async def serve(self, request: web.Request, handler: PageHandler) -> web.StreamResponse:
        """The page from the cache for a visitor without a cart cookie, else from `handler`."""
        if self.seconds <= 0 or CART_COOKIE in request.cookies:
            return await handler(request)
        key = request.raw_path
        body = self.get(key)
        if body is not None:
            return _html(body)
        rendering = self._rendering.get(key)
        if rendering is not None:
            body = await asyncio.shield(rendering)
            # None: that render could not be shared (an error, a cookie); this visitor gets their own.
            return _html(body) if body is not None else await handler(request)
        rendering = self._rendering[key] = asyncio.get_running_loop().create_future()
        body = None
        try:
            response = await handler(request)
            if (
                response.status == 200
                and isinstance(response, web.Response)
                and isinstance(response.body, bytes)
                and "Set-Cookie" not in response.headers
            ):
                body = response.body
                self.put(key, body)
            return response
        finally:
            del self._rendering[key]
            rendering.set_result(body)


def _html(body: bytes) -> web.Response:
    return web.Response(body=body, content_type="text/html", charset="utf-8")


PAGE_CACHE_KEY = web.AppKey("page_cache", PageCache)


def shared_with_visitors_without_cart(handler: PageHandler) -> PageHandler:
    """`handler`'s page, served from the application's page cache to visitors without a cart cookie."""

    @functools.wraps(handler)
    async def serve(request: web.Request) -> web.StreamResponse:
        return await request.app[PAGE_CACHE_KEY].serve(request, handler)

    return serve
