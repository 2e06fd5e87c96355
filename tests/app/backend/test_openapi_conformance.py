"""schemathesis against the API's own OpenAPI document, served by `python -m storefront.backend serve`:
generated requests never get a 5xx, and responses conform to the document (status, headers, bodies)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.support.net import free_port, wait_for_http

APP_DIR = Path(__file__).resolve().parents[3] / "app"


@pytest.fixture(scope="module")
def backend_url(
    database_url: str, redis_url: str, session_key_prefix: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    port = free_port()
    env = os.environ | {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(APP_DIR), os.environ.get("PYTHONPATH")])),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"{session_key_prefix}schemathesis:",
        "ACCESS_LOG": "true",
    }
    log_path = tmp_path_factory.mktemp("backend") / "backend.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "storefront.backend", "serve"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/healthz", process, "backend", log_path)
        yield url
    finally:
        process.terminate()
        exit_code = process.wait()
    # SIGTERM is the normal way out (Kubernetes): a clean exit, every log line JSON, no error logged.
    assert exit_code == 0
    lines = [json.loads(line) for line in log_path.read_text().splitlines()]
    assert not [line for line in lines if line["level"] in {"ERROR", "CRITICAL"}]
    access = [line for line in lines if line["logger"] == "aiohttp.access"]
    assert access
    assert all(line["request_id"] and line["service"] == "backend" for line in access)


@pytest.fixture
def api_schema(backend_url: str):
    return schemathesis.openapi.from_url(f"{backend_url}/api/v1/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case) -> None:
    # A request can be valid by the schema and still refused because of state the schema cannot express
    # (checking out an empty cart is 409, changing a line that is not in the cart is 404).
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
