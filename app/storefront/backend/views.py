"""HTTP handlers: parse and validate, call the repository, shape the response. No SQL, no Redis here."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any

import asyncpg
from aiohttp import web
from multidict import CIMultiDict
from yarl import URL

from storefront.backend import repository
from storefront.backend.cache import CACHE
from storefront.backend.config import CONFIG
from storefront.backend.db import DATABASE
from storefront.backend.schemas import (
    INT32_MAX,
    CartItemCreate,
    CartItemUpdate,
    CheckoutHeaders,
    CheckoutRequest,
    Model,
    OrderQuery,
    ProductQuery,
    parse_body,
    parse_mapping,
)
from storefront.common.cart import CART_COOKIE, CART_COOKIE_MAX_AGE, CART_HEADER, parse_cart_id
from storefront.common.errors import InvalidInput, NotFound, UnsupportedMediaType
from storefront.common.parsing import parse_integer

JSON = "application/json"
# The headers of a catalog answer, built once: aiohttp copies them into each response (in C).
_CACHED_HEADERS = {
    hit: CIMultiDict({"Content-Type": JSON, "X-Cache": "HIT" if hit else "MISS"}) for hit in (True, False)
}


def _dumps(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def _kept(request: web.Request, key: str, *, listing: bool = False) -> web.Response | None:
    """The answer from this process's copy of the entry, if it has one: the hot path, which needs neither
    a coroutine nor a loader."""
    body = request.app[CACHE].kept(key, listing=listing)
    return None if body is None else web.Response(body=body, headers=_CACHED_HEADERS[True])


async def _cached(
    request: web.Request,
    key: str,
    load: Callable[[asyncpg.Connection], Awaitable[dict[str, Any]]],
    *,
    listing: bool = False,
) -> web.Response:
    """Cache-aside: the stored body on a hit; otherwise read PostgreSQL and store the body for next time."""

    async def read_database() -> bytes:
        async with request.app[DATABASE].connection() as conn:
            return _dumps(await load(conn))

    body, hit = await request.app[CACHE].get_or_load(key, read_database, listing=listing)
    return web.Response(body=body, headers=_CACHED_HEADERS[hit])


def _product_id(raw: str) -> int:
    product_id = parse_integer(raw)
    if product_id is None:
        raise InvalidInput(f"Product id must be an integer, got {raw!r}.")
    if not 1 <= product_id <= INT32_MAX:
        raise NotFound(f"No product with id {product_id}.")
    return product_id


def _requested_cart_id(request: web.Request) -> uuid.UUID | None:
    """The cart named by the X-Cart-Id header (API clients) or the cart_id cookie (browsers).

    A malformed header is the client's mistake (400); a malformed cookie counts as no cookie, so a stale
    or mangled cookie cannot lock a shopper out."""
    if CART_HEADER in request.headers:
        try:
            return uuid.UUID(request.headers[CART_HEADER])
        except ValueError:
            raise InvalidInput(f"{CART_HEADER} must be a UUID.") from None
    return parse_cart_id(request.cookies.get(CART_COOKIE))


async def _json_body(request: web.Request, model: type[Model]) -> Model:
    """The request body as `model`, if it is declared as JSON (application/json or a +json type)."""
    content_type = request.content_type
    if content_type != JSON and not content_type.endswith("+json"):
        raise UnsupportedMediaType(f"The request body must be sent as {JSON}, not {content_type}.")
    return parse_body(model, await request.read())


# ---- probes


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Ready when PostgreSQL answers. Redis is reported but does not make the pod unready: without it the
    API still answers (from PostgreSQL), and failing readiness would take every pod out of service."""
    cache = request.app[CACHE]
    postgres_ok, redis_ok = await asyncio.gather(request.app[DATABASE].ping(), cache.ping())
    body = {
        "postgres": "ok" if postgres_ok else "unavailable",
        "redis": ("ok" if redis_ok else "unavailable") if cache.enabled else "disabled",
    }
    return web.json_response(body, status=200 if postgres_ok else 503)


# ---- catalog


async def list_categories(request: web.Request) -> web.Response:
    key = request.app[CACHE].listing_key("categories", "all")
    if (kept := _kept(request, key)) is not None:
        return kept
    return await _cached(request, key, repository.list_categories)


# A listing's validated query is a pure function of its query string, and shoppers request the same few
# listings over and over: the last ones are remembered (bounded: unusual queries only evict each other).
# Invalid ones are not remembered (lru_cache keeps no exceptions) and get their 400 every time.
@lru_cache(maxsize=1024)
def _product_query(raw_query_string: str) -> tuple[ProductQuery, str]:
    query = parse_mapping(ProductQuery, URL.build(query_string=raw_query_string, encoded=True).query)
    return query, query.cache_key()


async def list_products(request: web.Request) -> web.Response:
    query, query_key = _product_query(request.rel_url.raw_query_string)
    key = request.app[CACHE].listing_key("products", query_key)
    if (kept := _kept(request, key, listing=True)) is not None:
        return kept
    return await _cached(request, key, lambda conn: repository.list_products(conn, query), listing=True)


async def get_product(request: web.Request) -> web.Response:
    product_id = _product_id(request.match_info["id"])
    key = request.app[CACHE].product_key(product_id)
    if (kept := _kept(request, key)) is not None:
        return kept
    return await _cached(request, key, lambda conn: repository.get_product(conn, product_id))


# ---- cart


async def _cart_response(request: web.Request, cart_id: uuid.UUID, conn: asyncpg.Connection) -> web.Response:
    response = web.json_response(
        await repository.load_cart(conn, cart_id), headers={CART_HEADER: str(cart_id)}
    )
    response.set_cookie(
        CART_COOKIE,
        str(cart_id),
        max_age=CART_COOKIE_MAX_AGE,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=request.app[CONFIG].cart_cookie_secure,
    )
    return response


async def get_cart(request: web.Request) -> web.Response:
    async with request.app[DATABASE].connection() as conn:
        cart_id = await repository.ensure_cart(conn, _requested_cart_id(request))
        return await _cart_response(request, cart_id, conn)


async def add_cart_item(request: web.Request) -> web.Response:
    item = await _json_body(request, CartItemCreate)
    async with request.app[DATABASE].connection() as conn:
        cart_id = await repository.ensure_cart(conn, _requested_cart_id(request))
        await repository.add_cart_item(conn, cart_id, item.product_id, item.quantity)
        return await _cart_response(request, cart_id, conn)


async def update_cart_item(request: web.Request) -> web.Response:
    product_id = _product_id(request.match_info["product_id"])
    update = await _json_body(request, CartItemUpdate)
    async with request.app[DATABASE].connection() as conn:
        cart_id = await repository.ensure_cart(conn, _requested_cart_id(request))
        await repository.set_cart_item_quantity(conn, cart_id, product_id, update.quantity)
        return await _cart_response(request, cart_id, conn)


async def remove_cart_item(request: web.Request) -> web.Response:
    product_id = _product_id(request.match_info["product_id"])
    async with request.app[DATABASE].connection() as conn:
        cart_id = await repository.ensure_cart(conn, _requested_cart_id(request))
        await repository.remove_cart_item(conn, cart_id, product_id)
        return await _cart_response(request, cart_id, conn)


# ---- checkout and orders


async def checkout(request: web.Request) -> web.Response:
    raw_key = request.headers.get("Idempotency-Key")
    headers = parse_mapping(
        CheckoutHeaders, {} if raw_key is None else {"Idempotency-Key": raw_key}, "headers"
    )
    order_request = await _json_body(request, CheckoutRequest)
    async with request.app[DATABASE].connection() as conn:
        order, created, changed_products = await repository.checkout(
            conn, _requested_cart_id(request), headers.idempotency_key, order_request
        )
    # After the commit: a reader that refills the cache now sees the new stock.
    if changed_products:
        await request.app[CACHE].invalidate_products(changed_products)
    return web.json_response(order, status=201 if created else 200)


async def get_order(request: web.Request) -> web.Response:
    try:
        order_id = uuid.UUID(request.match_info["id"])
    except ValueError:
        raise NotFound("No order with this id and email.") from None
    query = parse_mapping(OrderQuery, request.query)
    async with request.app[DATABASE].connection() as conn:
        return web.json_response(await repository.get_order(conn, order_id, query.email))
