"""A stand-in for the storefront backend: the API contract with canned data, in memory.

It answers the calls the frontend pages make, and records what reached it so the proxy tests can check
which headers came through. Extra endpoints under /api/test/ exist only here, for proxy edge cases.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

CATEGORIES = [
    {"slug": "kitchen", "name": "Kitchen"},
    {"slug": "garden", "name": "Garden"},
]


def make_product(product_id: int, category: dict[str, str], stock: int = 10) -> dict[str, Any]:
    slug = f"{category['slug']}-item-{product_id}"
    return {
        "id": product_id,
        "sku": f"SKU-{product_id:04d}",
        "slug": slug,
        "name": f"{category['name']} item {product_id}",
        "description": f"A fine {category['name'].lower()} thing, number {product_id}.",
        "price_cents": 1000 + product_id * 99,
        "currency": "USD",
        "stock": stock,
        "image": f"products/{slug}.svg",
        "category": dict(category),
    }


# 15 kitchen products (two pages of 12) and 3 garden ones, the last of which is sold out.
PRODUCTS = [make_product(i, CATEGORIES[0]) for i in range(1, 16)] + [
    make_product(16, CATEGORIES[1]),
    make_product(17, CATEGORIES[1]),
    make_product(18, CATEGORIES[1], stock=0),
]
PRODUCTS_BY_ID = {product["id"]: product for product in PRODUCTS}


def error(status: int, code: str, message: str, details: Any = None) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message, "details": details}}, status=status)


@dataclass
class FakeBackend:
    carts: dict[str, dict[int, int]] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    orders_by_key: dict[str, str] = field(default_factory=dict)
    requests: list[web.Request] = field(default_factory=list)
    product_queries: list[dict[str, str]] = field(default_factory=list)
    # Set to release the /api/test/slow handler; left unset, that handler never answers by itself.
    release_slow: asyncio.Event = field(default_factory=asyncio.Event)

    # --- catalog ---

    async def categories(self, request: web.Request) -> web.Response:
        items = [
            {**category, "product_count": sum(p["category"]["slug"] == category["slug"] for p in PRODUCTS)}
            for category in CATEGORIES
        ]
        return web.json_response({"items": items})

    async def products(self, request: web.Request) -> web.Response:
        query = request.query
        self.product_queries.append(dict(query))
        found = [
            product
            for product in PRODUCTS
            if (not query.get("category") or product["category"]["slug"] == query["category"])
            and (not query.get("q") or query["q"].lower() in product["name"].lower())
        ]
        if query.get("sort") == "price_desc":
            found.sort(key=lambda product: -product["price_cents"])
        elif query.get("sort") == "newest":
            found.sort(key=lambda product: -product["id"])
        page, per_page = int(query.get("page", "1")), int(query.get("per_page", "20"))
        items = found[(page - 1) * per_page : page * per_page]
        return web.json_response({"items": items, "page": page, "per_page": per_page, "total": len(found)})

    async def product(self, request: web.Request) -> web.Response:
        product = PRODUCTS_BY_ID.get(int(request.match_info["id"]))
        if product is None:
            return error(404, "not_found", "No such product.")
        return web.json_response(product)

    # --- cart ---

    def cart_id_of(self, request: web.Request) -> str | None:
        return request.headers.get("X-Cart-Id") or request.cookies.get("cart_id")

    def cart_document(self, cart_id: str) -> dict[str, Any]:
        lines = []
        for product_id, quantity in self.carts[cart_id].items():
            product = PRODUCTS_BY_ID[product_id]
            lines.append(
                {
                    "product_id": product_id,
                    "name": product["name"],
                    "slug": product["slug"],
                    "image": product["image"],
                    "unit_price_cents": product["price_cents"],
                    "quantity": quantity,
                    "line_total_cents": product["price_cents"] * quantity,
                }
            )
        return {
            "id": cart_id,
            "items": lines,
            "item_count": sum(line["quantity"] for line in lines),
            "subtotal_cents": sum(line["line_total_cents"] for line in lines),
            "currency": "USD",
        }

    def cart_response(self, request: web.Request, cart_id: str) -> web.Response:
        response = web.json_response(self.cart_document(cart_id))
        if self.cart_id_of(request) != cart_id:
            response.set_cookie("cart_id", cart_id, path="/", httponly=True, samesite="Lax")
        return response

    def ensure_cart(self, request: web.Request) -> str:
        cart_id = self.cart_id_of(request)
        if cart_id not in self.carts:
            cart_id = uuid.uuid4().hex
            self.carts[cart_id] = {}
        return cart_id

    async def get_cart(self, request: web.Request) -> web.Response:
        return self.cart_response(request, self.ensure_cart(request))

    async def add_item(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("product_id") not in PRODUCTS_BY_ID:
            return error(404, "not_found", "No such product.")
        if not isinstance(body.get("quantity"), int) or body["quantity"] < 1:
            return error(400, "invalid_input", "quantity must be a positive integer")
        cart_id = self.ensure_cart(request)
        cart = self.carts[cart_id]
        cart[body["product_id"]] = cart.get(body["product_id"], 0) + body["quantity"]
        return self.cart_response(request, cart_id)

    async def change_item(self, request: web.Request) -> web.Response:
        cart_id = self.ensure_cart(request)
        product_id = int(request.match_info["product_id"])
        if request.method == "DELETE":
            self.carts[cart_id].pop(product_id, None)
        else:
            self.carts[cart_id][product_id] = (await request.json())["quantity"]
        return self.cart_response(request, cart_id)

    # --- checkout, orders ---

    async def checkout(self, request: web.Request) -> web.Response:
        key = request.headers.get("Idempotency-Key")
        if not key:
            return error(400, "invalid_input", "Idempotency-Key header is required")
        if key in self.orders_by_key:
            return web.json_response(self.orders[self.orders_by_key[key]], status=201)
        cart_id = self.cart_id_of(request)
        if not cart_id or not self.carts.get(cart_id):
            return error(422, "unprocessable", "The cart is empty.")
        body = await request.json()
        if "@" not in body.get("email", ""):
            details = [{"loc": ["body", "email"], "msg": "value is not a valid email address"}]
            return error(400, "invalid_input", "Invalid request body: email: not an email address", details)
        cart = self.cart_document(cart_id)
        order_id = str(1000 + len(self.orders))
        order = {
            "id": order_id,
            "email": body["email"],
            "name": body["name"],
            "status": "confirmed",
            "items": cart["items"],
            "total_cents": cart["subtotal_cents"],
            "currency": "USD",
            "created_at": "2026-11-25T21:00:00Z",
        }
        self.orders[order_id] = order
        self.orders_by_key[key] = order_id
        self.carts[cart_id] = {}
        return web.json_response(order, status=201)

    async def order(self, request: web.Request) -> web.Response:
        order = self.orders.get(request.match_info["id"])
        if order is None or order["email"] != request.query.get("email"):
            return error(404, "not_found", "No such order.")
        return web.json_response(order)

    # --- for the proxy tests ---

    async def echo(self, request: web.Request) -> web.Response:
        body = await request.read()
        response = web.json_response(
            {
                "method": request.method,
                "raw_path": request.raw_path,
                "headers": {name: value for name, value in request.headers.items()},
                "body": body.decode(),
            },
            status=201 if request.method == "POST" else 200,
            headers={
                "Connection": "keep-alive, X-Backend-Private",
                "X-Backend-Private": "secret",
                "Keep-Alive": "timeout=5",
                "X-Custom": "kept",
            },
        )
        response.set_cookie("first", "1", path="/")
        response.set_cookie("second", "2", path="/")
        return response

    async def stream(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for number in range(5):
            await response.write(f"chunk {number}\n".encode())
        await response.write_eof()
        return response

    async def truncated(self, request: web.Request) -> web.StreamResponse:
        """Promises ``?length=`` bytes, sends a tenth of them and drops the connection."""
        length = int(request.query["length"])
        response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
        response.content_length = length
        await response.prepare(request)
        await response.write(b"x" * (length // 10))
        await response.drain()
        assert request.transport is not None
        request.transport.close()
        return response

    async def slow(self, request: web.Request) -> web.Response:
        await self.release_slow.wait()
        return web.json_response({"finally": True})

    async def healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    @web.middleware
    async def record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append(request)
        return await handler(request)

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self.record])
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/api/v1/categories", self.categories)
        app.router.add_get("/api/v1/products", self.products)
        app.router.add_get("/api/v1/products/{id:\\d+}", self.product)
        app.router.add_get("/api/v1/cart", self.get_cart)
        app.router.add_post("/api/v1/cart/items", self.add_item)
        app.router.add_patch("/api/v1/cart/items/{product_id}", self.change_item)
        app.router.add_delete("/api/v1/cart/items/{product_id}", self.change_item)
        app.router.add_post("/api/v1/checkout", self.checkout)
        app.router.add_get("/api/v1/orders/{id}", self.order)
        app.router.add_route("*", "/api/test/echo", self.echo)
        app.router.add_get("/api/test/stream", self.stream)
        app.router.add_get("/api/test/slow", self.slow)
        app.router.add_get("/api/test/truncated", self.truncated)
        app.on_shutdown.append(self._release)
        return app

    async def _release(self, app: web.Application) -> None:
        self.release_slow.set()
