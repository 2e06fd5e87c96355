"""Every SQL statement of the backend. Functions take a connection and return plain dicts shaped like
the API's JSON (see `schemas.py`); transactions are opened here, where the invariants live."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import asyncpg

from storefront.backend.errors import EmptyCart, IdempotencyKeyReused, InsufficientStock
from storefront.backend.schemas import CheckoutRequest, ProductQuery
from storefront.common.errors import NotFound

CURRENCY = "USD"

_PRODUCT_COLUMNS = """
    p.id, p.sku, p.slug, p.name, p.description, p.price_cents, p.currency, p.stock,
    c.slug AS category_slug, c.name AS category_name
"""


def image_path(slug: str) -> str:
    return f"products/{slug}.svg"


def _product(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": row["id"],
        "sku": row["sku"],
        "slug": row["slug"],
        "name": row["name"],
        "description": row["description"],
        "price_cents": row["price_cents"],
        "currency": row["currency"],
        "stock": row["stock"],
        "image": image_path(row["slug"]),
        "category": {"slug": row["category_slug"], "name": row["category_name"]},
    }


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# ---- catalog


async def list_categories(conn: asyncpg.Connection) -> dict[str, Any]:
    rows = await conn.fetch(
        """
        SELECT c.slug, c.name, count(p.id) AS product_count
        FROM categories c LEFT JOIN products p ON p.category_id = c.id
        GROUP BY c.id ORDER BY c.name
        """
    )
    return {"items": [dict(row) for row in rows]}


async def list_products(conn: asyncpg.Connection, query: ProductQuery) -> dict[str, Any]:
    search = _like_pattern(query.q) if query.q else None
    filters = """
        FROM products p JOIN categories c ON c.id = p.category_id
        WHERE ($1::text IS NULL OR c.slug = $1)
          AND ($2::text IS NULL OR p.name ILIKE $2 OR p.description ILIKE $2)
    """
    total = await conn.fetchval(f"SELECT count(*) {filters}", query.category, search)
    rows = await conn.fetch(
        f"""
        SELECT {_PRODUCT_COLUMNS} {filters}
        ORDER BY
            CASE WHEN $3 = 'name' THEN p.name END,
            CASE WHEN $3 = 'price_asc' THEN p.price_cents END,
            CASE WHEN $3 = 'price_desc' THEN p.price_cents END DESC,
            CASE WHEN $3 = 'newest' THEN p.created_at END DESC,
            p.id
        LIMIT $4 OFFSET $5
        """,
        query.category,
        search,
        query.sort,
        query.per_page,
        (query.page - 1) * query.per_page,
    )
    return {
        "items": [_product(row) for row in rows],
        "page": query.page,
        "per_page": query.per_page,
        "total": total,
    }


async def get_product(conn: asyncpg.Connection, product_id: int) -> dict[str, Any]:
    row = await conn.fetchrow(
        f"SELECT {_PRODUCT_COLUMNS} FROM products p JOIN categories c ON c.id = p.category_id "  # noqa: S608
        "WHERE p.id = $1",
        product_id,
    )
    if row is None:
        raise NotFound(f"No product with id {product_id}.")
    return _product(row)


# ---- cart


async def ensure_cart(conn: asyncpg.Connection, cart_id: uuid.UUID | None) -> uuid.UUID:
    """The id of an existing cart, or of a new empty one when `cart_id` is missing or unknown.

    A new cart always gets a server-chosen id, so a client cannot pick (or guess into) another's cart."""
    if cart_id is not None and await conn.fetchval("SELECT 1 FROM carts WHERE id = $1", cart_id):
        return cart_id
    new_id = uuid.uuid4()
    await conn.execute("INSERT INTO carts (id) VALUES ($1)", new_id)
    return new_id


async def load_cart(conn: asyncpg.Connection, cart_id: uuid.UUID) -> dict[str, Any]:
    rows = await conn.fetch(
        """
        SELECT ci.product_id, p.name, p.slug, p.price_cents, ci.quantity
        FROM cart_items ci JOIN products p ON p.id = ci.product_id
        WHERE ci.cart_id = $1
        ORDER BY ci.added_at, ci.product_id
        """,
        cart_id,
    )
    items = [
        {
            "product_id": row["product_id"],
            "name": row["name"],
            "slug": row["slug"],
            "image": image_path(row["slug"]),
            "unit_price_cents": row["price_cents"],
            "quantity": row["quantity"],
            "line_total_cents": row["price_cents"] * row["quantity"],
        }
        for row in rows
    ]
    return {
        "id": str(cart_id),
        "items": items,
        "item_count": sum(item["quantity"] for item in items),
        "subtotal_cents": sum(item["line_total_cents"] for item in items),
        "currency": CURRENCY,
    }


async def _lock_cart(conn: asyncpg.Connection, cart_id: uuid.UUID) -> None:
    """Every transaction that changes a cart takes its row first, as checkout does: one lock order, no
    deadlock between a checkout and a change to the same cart."""
    await conn.execute("UPDATE carts SET updated_at = now() WHERE id = $1", cart_id)


async def _stock_of(conn: asyncpg.Connection, product_id: int) -> int:
    stock = await conn.fetchval("SELECT stock FROM products WHERE id = $1", product_id)
    if stock is None:
        raise NotFound(f"No product with id {product_id}.")
    return stock


def _check_stock(product_id: int, requested: int, available: int) -> None:
    if requested > available:
        raise InsufficientStock(
            f"Only {available} of product {product_id} in stock.",
            details={"items": [{"product_id": product_id, "requested": requested, "available": available}]},
        )


async def add_cart_item(conn: asyncpg.Connection, cart_id: uuid.UUID, product_id: int, quantity: int) -> None:
    async with conn.transaction():
        await _lock_cart(conn, cart_id)
        available = await _stock_of(conn, product_id)
        in_cart = await conn.fetchval(
            "SELECT quantity FROM cart_items WHERE cart_id = $1 AND product_id = $2 FOR UPDATE",
            cart_id,
            product_id,
        )
        _check_stock(product_id, (in_cart or 0) + quantity, available)
        await conn.execute(
            """
            INSERT INTO cart_items (cart_id, product_id, quantity) VALUES ($1, $2, $3)
            ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = cart_items.quantity + EXCLUDED.quantity
            """,
            cart_id,
            product_id,
            quantity,
        )


async def set_cart_item_quantity(
    conn: asyncpg.Connection, cart_id: uuid.UUID, product_id: int, quantity: int
) -> None:
    async with conn.transaction():
        await _lock_cart(conn, cart_id)
        available = await conn.fetchval(
            """
            SELECT p.stock FROM cart_items ci JOIN products p ON p.id = ci.product_id
            WHERE ci.cart_id = $1 AND ci.product_id = $2
            FOR UPDATE OF ci
            """,
            cart_id,
            product_id,
        )
        if available is None:
            raise NotFound(f"Product {product_id} is not in the cart.")
        _check_stock(product_id, quantity, available)
        await conn.execute(
            "UPDATE cart_items SET quantity = $3 WHERE cart_id = $1 AND product_id = $2",
            cart_id,
            product_id,
            quantity,
        )


async def remove_cart_item(conn: asyncpg.Connection, cart_id: uuid.UUID, product_id: int) -> None:
    """Removing a line that is not there is not an error: a retried DELETE gets the same cart back."""
    await conn.execute("DELETE FROM cart_items WHERE cart_id = $1 AND product_id = $2", cart_id, product_id)


# ---- checkout and orders


def request_digest(checkout: CheckoutRequest) -> str:
    return hashlib.sha256(checkout.model_dump_json().encode()).hexdigest()


async def checkout(
    conn: asyncpg.Connection, cart_id: uuid.UUID | None, idempotency_key: str, request: CheckoutRequest
) -> tuple[dict[str, Any], bool, list[int]]:
    """Turn the cart into an order in one transaction; return (order, created, product ids changed).

    Locks, in this order: the cart row (serialises retries of one checkout), then the product rows in id
    order (serialises buyers of the same product without deadlocks). Under those locks the stock check and
    the decrement cannot interleave with another checkout, so stock never goes below zero."""
    if cart_id is None:
        raise EmptyCart("The cart is empty.")
    digest = request_digest(request)
    async with conn.transaction():
        if not await conn.fetchval("SELECT 1 FROM carts WHERE id = $1 FOR UPDATE", cart_id):
            raise EmptyCart("The cart is empty.")
        previous = await conn.fetchrow(
            "SELECT id, request_digest FROM orders WHERE cart_id = $1 AND idempotency_key = $2",
            cart_id,
            idempotency_key,
        )
        if previous is not None:
            if previous["request_digest"] != digest:
                raise IdempotencyKeyReused("This Idempotency-Key was used for a different checkout request.")
            return await _load_order(conn, previous["id"]), False, []

        lines = await conn.fetch(
            """
            SELECT p.id AS product_id, p.name, p.price_cents, p.stock, ci.quantity
            FROM cart_items ci JOIN products p ON p.id = ci.product_id
            WHERE ci.cart_id = $1
            ORDER BY p.id
            FOR UPDATE OF p
            """,
            cart_id,
        )
        if not lines:
            raise EmptyCart("The cart is empty.")
        short = [
            {"product_id": line["product_id"], "requested": line["quantity"], "available": line["stock"]}
            for line in lines
            if line["quantity"] > line["stock"]
        ]
        if short:
            raise InsufficientStock("Not enough stock for some items in the cart.", details={"items": short})

        product_ids = [line["product_id"] for line in lines]
        quantities = [line["quantity"] for line in lines]
        await conn.execute(
            """
            UPDATE products SET stock = stock - wanted.quantity, updated_at = now()
            FROM unnest($1::integer[], $2::integer[]) AS wanted (product_id, quantity)
            WHERE products.id = wanted.product_id
            """,
            product_ids,
            quantities,
        )
        order_id = uuid.uuid4()
        await conn.execute(
            """
            INSERT INTO orders
                (id, cart_id, idempotency_key, request_digest, email, name, address, total_cents)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)
            """,
            order_id,
            cart_id,
            idempotency_key,
            digest,
            request.email,
            request.name,
            json.dumps(request.address.model_dump()),
            sum(line["price_cents"] * line["quantity"] for line in lines),
        )
        await conn.executemany(
            """
            INSERT INTO order_items (order_id, product_id, name, unit_price_cents, quantity)
            VALUES ($1, $2, $3, $4, $5)
            """,
            [
                (order_id, line["product_id"], line["name"], line["price_cents"], line["quantity"])
                for line in lines
            ],
        )
        await conn.execute("DELETE FROM cart_items WHERE cart_id = $1", cart_id)
        return await _load_order(conn, order_id), True, product_ids


async def get_order(conn: asyncpg.Connection, order_id: uuid.UUID, email: str) -> dict[str, Any]:
    # The same answer for a wrong id and a wrong email: the endpoint must not confirm that an order exists.
    found = await conn.fetchval(
        "SELECT 1 FROM orders WHERE id = $1 AND lower(email) = lower($2)", order_id, email
    )
    if not found:
        raise NotFound("No order with this id and email.")
    return await _load_order(conn, order_id)


async def _load_order(conn: asyncpg.Connection, order_id: uuid.UUID) -> dict[str, Any]:
    order = await conn.fetchrow(
        "SELECT id, email, name, status, total_cents, currency, created_at FROM orders WHERE id = $1",
        order_id,
    )
    lines = await conn.fetch(
        """
        SELECT product_id, name, unit_price_cents, quantity FROM order_items
        WHERE order_id = $1 ORDER BY product_id
        """,
        order_id,
    )
    return {
        "id": str(order["id"]),
        "email": order["email"],
        "name": order["name"],
        "status": order["status"],
        "items": [
            {**dict(line), "line_total_cents": line["unit_price_cents"] * line["quantity"]} for line in lines
        ],
        "total_cents": order["total_cents"],
        "currency": order["currency"],
        "created_at": order["created_at"].isoformat(),
    }
