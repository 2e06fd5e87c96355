"""The real storefront for the browser test: a fresh PostgreSQL database, migrated and seeded by the
backend's own commands, and the backend and frontend started as subprocesses on ephemeral ports.

PostgreSQL (trust auth, user postgres) and Redis are expected on 127.0.0.1:5432 and 127.0.0.1:6379;
DATABASE_ADMIN_URL and BROWSER_TEST_REDIS_URL point elsewhere.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from tests.support.net import free_port, wait_for_http
from tests.support.postgres import scratch_database

APP_DIR = Path(__file__).resolve().parents[3] / "app"
ADMIN_URL = os.environ.get("DATABASE_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
# Database 13 is this test's own, so flushing it cannot touch another suite's keys.
REDIS_URL = os.environ.get("BROWSER_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


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
        wait_for_http(f"{service.url}/healthz", process, name, log_path)
    except BaseException:
        service.stop()
        raise
    return service


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with scratch_database(ADMIN_URL, f"storefront_browser_{uuid.uuid4().hex[:12]}") as url:
        yield url


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
