"""Schema migrations, applied by yoyo from the SQL files in `migrations/` (each with its rollback).

yoyo takes a lock table while it works, so several pods running `migrate` at once apply each step once.
"""

from __future__ import annotations

import logging
from pathlib import Path

import psycopg
from psycopg import sql
from yarl import URL
from yoyo import get_backend, read_migrations

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

log = logging.getLogger(__name__)


def yoyo_url(database_url: str) -> str:
    """yoyo picks its driver from the URL scheme; the images ship psycopg 3, not psycopg2."""
    _, _, rest = database_url.partition("://")
    return f"postgresql+psycopg://{rest}"


def create_database_if_missing(database_url: str) -> bool:
    """For local runs: create the database named in the URL (in production it is provisioned with RDS)."""
    url = URL(database_url)
    name = url.path.lstrip("/")
    with psycopg.connect(str(url.with_path("/postgres")), autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    log.info("database %s created", name)
    return True


def apply_migrations(database_url: str) -> list[str]:
    """Apply every pending migration; return the ids applied (empty when the schema is current)."""
    backend = get_backend(yoyo_url(database_url))
    migrations = read_migrations(str(MIGRATIONS_DIR))
    try:
        with backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
    finally:
        backend.connection.close()
    applied = [migration.id for migration in pending]
    log.info("migrations applied: %s", ", ".join(applied) or "none, schema is current")
    return applied
