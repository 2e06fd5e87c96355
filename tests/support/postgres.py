"""A throwaway PostgreSQL database for a test session or a benchmark, on a server others use too."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from yarl import URL


@contextmanager
def scratch_database(admin_url: str, name: str) -> Iterator[str]:
    """Create database `name` on admin_url's server and yield its URL; drop it at the end, connections and
    all. A leftover of the same name (from a run that was killed) is dropped first."""
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield str(URL(admin_url).with_path(f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
