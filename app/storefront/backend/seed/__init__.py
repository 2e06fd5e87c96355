"""Loading the demo catalog. Idempotent: products are matched by SKU, so a second run updates names,
descriptions and prices in place and leaves stock alone (orders may have changed it since)."""

from __future__ import annotations

import logging

import asyncpg

from storefront.backend.seed.catalog import CATEGORIES, PRODUCTS, slugify

log = logging.getLogger(__name__)


def seed_rows() -> list[tuple[str, str, str, str, int, int, str, int]]:
    """(sku, slug, name, description, price_cents, stock, category slug, age in days) per product."""
    rows = []
    for category in CATEGORIES:
        for number, product in enumerate(PRODUCTS[category.slug], start=1):
            sku = f"{category.sku_prefix}-{number:03d}"
            # Spread creation dates so that "newest" is a meaningful order.
            age_days = 3 * number + CATEGORIES.index(category)
            rows.append(
                (
                    sku,
                    slugify(product.name),
                    product.name,
                    product.description,
                    product.price_cents,
                    product.stock,
                    category.slug,
                    age_days,
                )
            )
    return rows


async def seed_catalog(database_url: str) -> int:
    """Load the catalog; return the number of products it holds."""
    conn = await asyncpg.connect(database_url)
    try:
        async with conn.transaction():
            await conn.executemany(
                """
                INSERT INTO categories (slug, name) VALUES ($1, $2)
                ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name
                """,
                [(category.slug, category.name) for category in CATEGORIES],
            )
            await conn.executemany(
                """
                INSERT INTO products
                    (sku, slug, name, description, price_cents, stock, category_id, created_at)
                SELECT $1, $2, $3, $4, $5, $6, c.id, now() - make_interval(days => $8)
                FROM categories c WHERE c.slug = $7
                ON CONFLICT (sku) DO UPDATE SET
                    slug = EXCLUDED.slug,
                    name = EXCLUDED.name,
                    description = EXCLUDED.description,
                    price_cents = EXCLUDED.price_cents,
                    category_id = EXCLUDED.category_id,
                    updated_at = now()
                """,
                seed_rows(),
            )
        count = await conn.fetchval("SELECT count(*) FROM products")
    finally:
        await conn.close()
    log.info("catalog seeded: %d products in %d categories", count, len(CATEGORIES))
    return count
