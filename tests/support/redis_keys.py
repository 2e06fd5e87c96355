"""Cleaning up after a test session or benchmark that shares a Redis server with everyone else."""

from __future__ import annotations

import redis


def delete_keys_with_prefix(redis_url: str, prefix: str) -> None:
    """Delete the keys under `prefix` only, never the whole database (other suites use it too)."""
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
