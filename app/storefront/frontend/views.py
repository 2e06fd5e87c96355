"""Page handlers: each one asks the backend for what the page shows and renders a template.

Every form works without JavaScript (POST, then a 303 redirect to a page that can be reloaded safely);
static/app.js only makes adding to the cart quicker where scripts run.
"""

from __future__ import annotations

import asyncio
import math
import uuid
from typing import Any

import aiohttp
import aiohttp_jinja2
from aiohttp import web
from yarl import URL

from storefront.common.middlewares import REQUEST_ID_HEADER, REQUEST_ID_KEY
from storefront.common.parsing import parse_integer

from .backend_client import BackendClient, BackendError
from .keys import BACKEND_SESSION_KEY, CONFIG_KEY

SORT_CHOICES = {
    "name": "Name",
    "price_asc": "Price: low to high",
    "price_desc": "Price: high to low",
    "newest": "Newest",
}
PER_PAGE = 12
HOME_FEATURED = 8
MAX_QUANTITY = 99
COUNTRIES = {
    "US": "United States",
    "CA": "Canada",
    "GB": "United Kingdom",
    "DE": "Germany",
    "FR": "France",
    "NL": "Netherlands",
    "ES": "Spain",
    "IT": "Italy",
    "AU": "Australia",
    "JP": "Japan",
}
# What to tell a shopper about a field the backend refused; its own messages are written for developers.
CHECKOUT_FIELDS = {
    "email": "Enter an email address such as name@example.com.",
    "name": "Enter the name the parcel is addressed to.",
    "line1": "Enter the street and number.",
    "city": "Enter the city.",
    "postal_code": "Enter the postal code.",
    "country": "Choose a country.",
}


def backend(request: web.Request) -> BackendClient:
    return BackendClient(request.app[BACKEND_SESSION_KEY], request.app[CONFIG_KEY].backend_url, request)


async def cart_or_none(api: BackendClient) -> dict[str, Any] | None:
    """The visitor's cart for the header badge; a visitor without a cart id gets none, and no new one."""
    return await api.cart() if api.cart_id else None


def render(
    template: str, request: web.Request, api: BackendClient, context: dict[str, Any], *, status: int = 200
) -> web.Response:
    response = aiohttp_jinja2.render_template(template, request, context, status=status)
    api.copy_cookies_to(response)
    return response


def redirect(api: BackendClient, location: str | URL) -> web.Response:
    """303 See Other: the browser follows with a GET, so a reload never repeats the POST."""
    response = web.Response(status=303, headers={"Location": str(location)})
    api.copy_cookies_to(response)
    return response


def positive_int(raw: str | None, default: int) -> int:
    value = parse_integer(raw) if raw is not None else None
    return value if value is not None and value > 0 else default


def quantity_from(form: Any) -> int:
    quantity = parse_integer(str(form.get("quantity", "1")).strip())
    if quantity is None or not 0 <= quantity <= MAX_QUANTITY:
        raise web.HTTPBadRequest(reason=f"Quantity must be a whole number from 0 to {MAX_QUANTITY}.")
    return quantity


def product_id_from(raw: str) -> int:
    product_id = parse_integer(raw)
    if product_id is None or product_id < 1:
        raise web.HTTPNotFound()
    return product_id


# --- catalog -----------------------------------------------------------------------------------------------


async def home(request: web.Request) -> web.Response:
    api = backend(request)
    categories, featured, cart = await asyncio.gather(
        api.categories(), api.products(sort="newest", per_page=HOME_FEATURED), cart_or_none(api)
    )
    return render(
        "home.html",
        request,
        api,
        {"categories": categories, "products": featured["items"], "cart": cart},
    )


async def product_list(request: web.Request) -> web.Response:
    api = backend(request)
    query = request.query
    filters: dict[str, str | int] = {
        "sort": query.get("sort") if query.get("sort") in SORT_CHOICES else "name",
        "page": positive_int(query.get("page"), 1),
        "per_page": PER_PAGE,
    }
    search = query.get("q", "").strip()
    category = query.get("category", "").strip()
    if search:
        filters["q"] = search
    if category:
        filters["category"] = category
    categories, listing, cart = await asyncio.gather(
        api.categories(), api.products(**filters), cart_or_none(api)
    )
    page_count = max(1, math.ceil(listing["total"] / listing["per_page"]))
    current_category = next((c for c in categories if c["slug"] == category), None)
    return render(
        "product_list.html",
        request,
        api,
        {
            "categories": categories,
            "current_category": current_category,
            "products": listing["items"],
            "total": listing["total"],
            "page": listing["page"],
            "page_count": page_count,
            "search": search,
            "category": category,
            "sort": filters["sort"],
            "sort_choices": SORT_CHOICES,
            "page_url": lambda page: str(request.rel_url.update_query(page=page)),
            "cart": cart,
        },
    )


async def product_detail(request: web.Request) -> web.Response:
    api = backend(request)
    product, cart = await asyncio.gather(
        api.product(product_id_from(request.match_info["product_id"])), cart_or_none(api)
    )
    return render(
        "product_detail.html", request, api, {"product": product, "cart": cart, "max_quantity": MAX_QUANTITY}
    )


# --- cart --------------------------------------------------------------------------------------------------


async def cart_page(request: web.Request) -> web.Response:
    api = backend(request)
    return render("cart.html", request, api, {"cart": await cart_or_none(api), "max_quantity": MAX_QUANTITY})


async def cart_add(request: web.Request) -> web.Response:
    api = backend(request)
    form = await request.post()
    product_id = product_id_from(str(form.get("product_id", "")))
    quantity = quantity_from(form)
    if quantity > 0:
        await api.add_to_cart(product_id, quantity)
    return redirect(api, request.app.router["cart"].url_for())


async def cart_update(request: web.Request) -> web.Response:
    api = backend(request)
    form = await request.post()
    product_id = product_id_from(request.match_info["product_id"])
    if form.get("action") == "remove":
        await api.remove_from_cart(product_id)
    else:
        quantity = quantity_from(form)
        if quantity == 0:
            await api.remove_from_cart(product_id)
        else:
            await api.set_quantity(product_id, quantity)
    return redirect(api, request.app.router["cart"].url_for())


# --- checkout and orders -----------------------------------------------------------------------------------


def checkout_context(
    cart: dict[str, Any] | None, values: dict[str, str], error: BackendError | None = None
) -> dict[str, Any]:
    field_errors: dict[str, str] = {}
    if error is not None and isinstance(error.details, list):
        # Validation details name the offending field last in their location, as pydantic reports them.
        for detail in error.details:
            if isinstance(detail, dict) and detail.get("loc"):
                field = str(detail["loc"][-1])
                field_errors[field] = CHECKOUT_FIELDS.get(field, str(detail.get("msg", "is invalid")))
    return {
        "cart": cart,
        "values": values,
        "countries": COUNTRIES,
        "error": error,
        "field_errors": field_errors,
        # One key per rendered form: a double-submitted form is one order, a corrected form a new attempt.
        "idempotency_key": uuid.uuid4().hex,
    }


async def checkout_page(request: web.Request) -> web.Response:
    api = backend(request)
    cart = await cart_or_none(api)
    return render("checkout.html", request, api, checkout_context(cart, {"country": "US"}))


async def checkout_submit(request: web.Request) -> web.Response:
    api = backend(request)
    form = await request.post()
    values = {field: str(form.get(field, "")).strip() for field in CHECKOUT_FIELDS}
    idempotency_key = str(form.get("idempotency_key", "")) or uuid.uuid4().hex
    order_request = {
        "email": values["email"],
        "name": values["name"],
        "address": {
            "line1": values["line1"],
            "city": values["city"],
            "postal_code": values["postal_code"],
            "country": values["country"],
        },
    }
    try:
        order = await api.checkout(order_request, idempotency_key)
    except BackendError as error:
        if error.status not in {400, 409, 422}:
            raise
        cart = await cart_or_none(api)
        return render(
            "checkout.html", request, api, checkout_context(cart, values, error), status=error.status
        )
    location = request.app.router["order"].url_for(order_id=str(order["id"])).with_query(email=order["email"])
    return redirect(api, location)


async def order_page(request: web.Request) -> web.Response:
    api = backend(request)
    email = request.query.get("email", "")
    if not email:
        raise web.HTTPNotFound()
    order, cart = await asyncio.gather(api.order(request.match_info["order_id"], email), cart_or_none(api))
    return render("order.html", request, api, {"order": order, "cart": cart})


# --- probes ------------------------------------------------------------------------------------------------


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"}, headers={"Cache-Control": "no-store"})


async def readyz(request: web.Request) -> web.Response:
    """Ready when the backend answers its own liveness probe: without it no page can be served."""
    url = request.app[CONFIG_KEY].backend_url.with_path("/healthz")
    headers = {REQUEST_ID_HEADER: request[REQUEST_ID_KEY]}  # one id in both services' logs
    try:
        async with request.app[BACKEND_SESSION_KEY].get(url, headers=headers) as response:
            backend_ok = response.status == 200
    except (TimeoutError, aiohttp.ClientError):
        backend_ok = False
    return web.json_response(
        {"status": "ok" if backend_ok else "unavailable", "checks": {"backend": backend_ok}},
        status=200 if backend_ok else 503,
        headers={"Cache-Control": "no-store"},
    )
