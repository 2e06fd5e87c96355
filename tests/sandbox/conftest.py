"""Fixtures that run sandbox servers on free ports in a private SANDBOX_HOME, never the developer's."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def sandbox_env(tmp_path: Path) -> dict[str, str]:
    """Environment for `python -m sandbox` confined to tmp_path and free ports."""
    return {
        **os.environ,
        "SANDBOX_HOME": str(tmp_path / "sandbox"),
        "SANDBOX_AWS_PORT": str(free_port()),
        "SANDBOX_KUBE_PORT": str(free_port()),
        "SANDBOX_POSTGRES_PORT": str(free_port()),
        "SANDBOX_REDIS_PORT": str(free_port()),
    }


def _run_sandbox(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sandbox", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture
def run_sandbox():
    """Run `python -m sandbox ARGS` with the given environment."""
    return _run_sandbox


@pytest.fixture(scope="session")
def aws_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One patched moto server for the session's fidelity tests."""
    port = free_port()
    log = (tmp_path_factory.mktemp("aws") / "moto.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox.aws", "serve", "--port", str(port)],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None:
                pytest.fail(f"moto exited with {process.returncode}")
            import time

            time.sleep(0.1)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
