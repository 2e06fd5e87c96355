"""Fixtures that run sandbox servers on free ports in a private SANDBOX_HOME, never the developer's."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tests.support.net import free_port, wait_for_port
from tests.support.sandbox_cli import run_sandbox_cli

REPO = Path(__file__).resolve().parents[2]


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


@pytest.fixture
def run_sandbox():
    """Run `python -m sandbox ARGS` with the given environment."""
    return functools.partial(run_sandbox_cli, timeout=180)


@pytest.fixture(scope="session")
def aws_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One patched moto server for the session's fidelity tests."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("aws") / "moto.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox.aws", "serve", "--port", str(port)],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(port, process, "moto", log_path)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture
def client(aws_endpoint: str):
    """client("s3") -> a boto3 client of the session's patched moto server."""

    def make(service: str):
        return boto3.client(
            service,
            endpoint_url=aws_endpoint,
            region_name="us-east-1",
            aws_access_key_id="sandbox",
            aws_secret_access_key="sandbox",
        )

    return make
