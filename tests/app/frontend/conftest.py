"""Fixtures: the frontend built by its factory, talking to an in-memory fake backend on a real socket."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer, unused_port
from fake_backend import FakeBackend
from storefront.frontend import FrontendConfig, create_app
from yarl import URL


@pytest.fixture
def fake_backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
async def backend_server(aiohttp_server, fake_backend: FakeBackend) -> TestServer:
    return await aiohttp_server(fake_backend.app())


@pytest.fixture
def frontend_config(backend_server: TestServer) -> FrontendConfig:
    return FrontendConfig(backend_url=backend_server.make_url("/").origin())


@pytest.fixture
async def client(aiohttp_client, frontend_config: FrontendConfig) -> TestClient:
    return await aiohttp_client(create_app(frontend_config))


@pytest.fixture
async def client_without_backend(aiohttp_client) -> TestClient:
    """A frontend whose backend address has nothing listening: connections are refused."""
    config = FrontendConfig(backend_url=URL(f"http://127.0.0.1:{unused_port()}"))
    return await aiohttp_client(create_app(config))


@pytest.fixture
async def impatient_client(aiohttp_client, frontend_config: FrontendConfig) -> TestClient:
    """A frontend that gives up on the backend after 50 ms of silence (the fake's /slow never answers)."""
    config = frontend_config.model_copy(update={"backend_read_timeout": 0.05})
    return await aiohttp_client(create_app(config))
