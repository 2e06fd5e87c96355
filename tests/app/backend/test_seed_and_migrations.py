"""The schema comes from migrations, the catalog from an idempotent seed with an image per product."""

from __future__ import annotations

import asyncpg
from storefront.backend.migrate import apply_migrations
from storefront.backend.seed import seed_catalog, seed_rows
from storefront.backend.seed.catalog import CATEGORIES, PRODUCTS
from storefront.backend.seed.images import DEFAULT_OUTPUT, product_svg


async def test_migrations_are_applied_once(database_url: str) -> None:
    assert apply_migrations(database_url) == []


async def test_seed_is_idempotent_and_keeps_stock(database_url: str, db: asyncpg.Connection) -> None:
    seeded = await db.fetchval("SELECT count(*) FROM products WHERE sku NOT LIKE 'TEST-%'")
    assert seeded == len(seed_rows()) >= 50
    assert await db.fetchval("SELECT count(*) FROM categories") >= 5
    await db.execute("UPDATE products SET stock = stock - 1 WHERE sku = 'TEA-002'")
    stock = await db.fetchval("SELECT stock FROM products WHERE sku = 'TEA-002'")

    await seed_catalog(database_url)
    assert await db.fetchval("SELECT count(*) FROM products WHERE sku NOT LIKE 'TEST-%'") == seeded
    assert await db.fetchval("SELECT stock FROM products WHERE sku = 'TEA-002'") == stock


def test_every_seed_product_has_its_committed_distinct_image() -> None:
    images = set()
    for category in CATEGORIES:
        for product in PRODUCTS[category.slug]:
            slug = next(row[1] for row in seed_rows() if row[2] == product.name)
            committed = (DEFAULT_OUTPUT / f"{slug}.svg").read_text(encoding="utf-8")
            assert committed == product_svg(category, product), f"regenerate {slug}.svg"
            images.add(committed)
    assert len(images) == len(seed_rows())


def test_seed_slugs_and_skus_are_unique() -> None:
    rows = seed_rows()
    assert len({row[0] for row in rows}) == len({row[1] for row in rows}) == len(rows)
