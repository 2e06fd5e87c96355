"""The frontend's one connection pool to the backend, shared by the page views and the /api proxy."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from storefront.common.cart import CART_COOKIE, CART_HEADER, parse_cart_id
from storefront.common.middlewares import REQUEST_ID_HEADER, REQUEST_ID_KEY

from .config import FrontendConfig
from .keys import BACKEND_SESSION_KEY, CONFIG_KEY


class BackendUnavailable(Exception):
    """The backend could not be reached (connection refused, reset, DNS): a 502."""


class BackendTimeout(Exception):
    """The backend did not answer within the configured timeout: a 504."""


class BackendError(Exception):
    """The backend answered with an error status; ``code``/``message`` come from its JSON error body."""

    def __init__(self, status: int, payload: Any) -> None:
        error = payload.get("error", {}) if isinstance(payload, dict) else {}
        self.status = status
        self.code: str = error.get("code", "backend_error")
        self.message: str = error.get("message", f"the backend answered {status}")
        self.details: Any = error.get("details")
        super().__init__(f"{status} {self.code}: {self.message}")


def create_session(config: FrontendConfig) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=config.backend_max_connections),
        timeout=aiohttp.ClientTimeout(
            total=None, connect=config.backend_connect_timeout, sock_read=config.backend_read_timeout
        ),
        # The proxy passes bodies through as the backend encoded them; the views decode JSON themselves.
        auto_decompress=False,
        # Cookies belong to the browser: the frontend must never remember one visitor's cart for the next.
        cookie_jar=aiohttp.DummyCookieJar(),
        raise_for_status=False,
    )


async def backend_session_context(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: one ClientSession (one connection pool) for the application's whole life."""
    async with create_session(app[CONFIG_KEY]) as session:
        app[BACKEND_SESSION_KEY] = session
        yield


class BackendClient:
    """JSON calls to the backend API on behalf of one incoming request (its cart id, request id)."""

    def __init__(self, session: aiohttp.ClientSession, base_url: URL, request: web.Request) -> None:
        self._session = session
        self._base_url = base_url
        self._headers: dict[str, str] = {
            "Accept": "application/json",
            "Accept-Encoding": "identity",  # the session does not decompress (for the proxy's sake)
            REQUEST_ID_HEADER: request[REQUEST_ID_KEY],  # one id in both services' logs
        }
        # A cookie that names no cart (mangled, truncated, edited) counts as none: it is replaced by the next
        # cart the backend hands out, and dropped meanwhile, so it cannot fail every page for its lifetime.
        raw_cookie = request.cookies.get(CART_COOKIE)
        valid = parse_cart_id(raw_cookie) is not None
        self._incoming_cart_id = self.cart_id = raw_cookie if valid else None
        self._drop_cookie = bool(raw_cookie) and not valid
        # Set-Cookie headers the backend sent (a new cart id); the view copies them onto its response.
        self.set_cookies: list[str] = []

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        request_headers = dict(self._headers)
        if self.cart_id:
            request_headers[CART_HEADER] = self.cart_id
        if headers:
            request_headers.update(headers)
        try:
            async with self._session.request(
                method, self._base_url.with_path(path), params=params, json=json, headers=request_headers
            ) as response:
                self._remember_cookies(response.headers)
                payload = await response.json(content_type=None) if response.status != 204 else None
        except TimeoutError as error:  # aiohttp's connect/read timeouts subclass it
            raise BackendTimeout(f"{method} {path} timed out") from error
        except aiohttp.ClientError as error:
            raise BackendUnavailable(f"{method} {path}: {error}") from error
        except ValueError as error:  # a body that is not JSON: the backend is not what we think it is
            raise BackendUnavailable(f"{method} {path}: invalid JSON from the backend") from error
        if response.status >= 400:
            raise BackendError(response.status, payload)
        return payload

    def _remember_cookies(self, headers: CIMultiDictProxy[str]) -> None:
        for value in headers.getall("Set-Cookie", ()):
            self.set_cookies.append(value)
            if value.startswith(f"{CART_COOKIE}="):
                self.cart_id = value.split(";", 1)[0].split("=", 1)[1] or None

    def copy_cookies_to(self, response: web.StreamResponse) -> web.StreamResponse:
        headers: CIMultiDict[str] = response.headers  # type: ignore[assignment]
        for value in self.set_cookies:
            headers.add("Set-Cookie", value)
        backend_set_cart_cookie = any(value.startswith(f"{CART_COOKIE}=") for value in self.set_cookies)
        if self.cart_id and self.cart_id != self._incoming_cart_id and not backend_set_cart_cookie:
            response.set_cookie(CART_COOKIE, self.cart_id, path="/", httponly=True, samesite="Lax")
        elif self._drop_cookie and not self.cart_id:
            response.del_cookie(CART_COOKIE, path="/")
        return response

    # --- the API, one method per backend endpoint the pages use -----------------------------------------

    async def categories(self) -> list[dict[str, Any]]:
        return (await self.call("GET", "/api/v1/categories"))["items"]

    async def products(self, **params: str | int) -> dict[str, Any]:
        return await self.call("GET", "/api/v1/products", params=params)

    async def product(self, product_id: int) -> dict[str, Any]:
        return await self.call("GET", f"/api/v1/products/{product_id}")

    async def cart(self) -> dict[str, Any]:
        return await self.call("GET", "/api/v1/cart")

    async def add_to_cart(self, product_id: int, quantity: int) -> dict[str, Any]:
        if not self.cart_id:
            # The backend hands out a cart id (cookie and body) on first sight of a visitor.
            self.cart_id = (await self.cart())["id"]
        return await self.call(
            "POST", "/api/v1/cart/items", json={"product_id": product_id, "quantity": quantity}
        )

    async def set_quantity(self, product_id: int, quantity: int) -> dict[str, Any]:
        return await self.call("PATCH", f"/api/v1/cart/items/{product_id}", json={"quantity": quantity})

    async def remove_from_cart(self, product_id: int) -> dict[str, Any]:
        return await self.call("DELETE", f"/api/v1/cart/items/{product_id}")

    async def checkout(self, order: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        return await self.call(
            "POST", "/api/v1/checkout", json=order, headers={"Idempotency-Key": idempotency_key}
        )

    async def order(self, order_id: str, email: str) -> dict[str, Any]:
        return await self.call("GET", f"/api/v1/orders/{order_id}", params={"email": email})
