"""The real storefront for the browser test: a fresh PostgreSQL database, migrated and seeded by the
backend's own commands, and the backend and frontend started as subprocesses on ephemeral ports.

PostgreSQL (trust auth, user postgres) and Redis are expected on 127.0.0.1:5432 and 127.0.0.1:6379;
DATABASE_ADMIN_URL and BROWSER_TEST_REDIS_URL point elsewhere.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import asyncpg
import pytest
import redis

APP_DIR = Path(__file__).resolve().parents[3] / "app"
ADMIN_URL = os.environ.get("DATABASE_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
# Database 13 is this test's own, so flushing it cannot touch another suite's keys.
REDIS_URL = os.environ.get("BROWSER_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def service_env(**variables: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"PORT", "HOST"}}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(APP_DIR), env.get("PYTHONPATH")]))
    env.update(variables)
    return env


def run_command(service: str, command: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", f"storefront.{service}", command], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"{service} {command} failed:\n{done.stdout}\n{done.stderr}"


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def wait_until_healthy(self) -> None:
        """Poll /healthz until it answers; a process that exits instead fails the test with its log."""
        while True:
            if self.process.poll() is not None:
                log = self.log_path.read_text()
                pytest.fail(f"{self.name} exited with {self.process.returncode}:\n{log}")
            try:
                with urlopen(f"{self.url}/healthz") as response:  # noqa: S310 (a fixed http URL)
                    if response.status == 200:
                        return
            except (URLError, ConnectionError):
                time.sleep(0.1)

    def stop(self) -> None:
        """SIGTERM, as Kubernetes does, then wait for the graceful shutdown."""
        self.process.terminate()
        self.process.wait()


def start_service(name: str, env: dict[str, str], log_dir: Path) -> Service:
    port = free_port()
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", f"storefront.{name}", "serve"],
            env={**env, "HOST": "127.0.0.1", "PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    service = Service(name, process, f"http://127.0.0.1:{port}", log_path)
    try:
        service.wait_until_healthy()
    except BaseException:
        service.stop()
        raise
    return service


async def _create_database(name: str) -> None:
    connection = await asyncpg.connect(ADMIN_URL)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def _drop_database(name: str) -> None:
    connection = await asyncpg.connect(ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    name = f"storefront_browser_{uuid.uuid4().hex[:12]}"
    asyncio.run(_create_database(name))
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(_drop_database(name))


@pytest.fixture(scope="session")
def storefront_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The frontend's base URL, with a real backend behind it serving the seeded catalog."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    backend_env = service_env(DATABASE_URL=database_url, REDIS_URL=REDIS_URL)
    run_command("backend", "migrate", backend_env)
    run_command("backend", "seed", backend_env)
    log_dir = tmp_path_factory.mktemp("logs")
    backend = start_service("backend", backend_env, log_dir)
    try:
        frontend = start_service("frontend", service_env(BACKEND_URL=backend.url), log_dir)
        try:
            yield frontend.url
        finally:
            frontend.stop()
    finally:
        backend.stop()
        redis.Redis.from_url(REDIS_URL).flushdb()
