"""What both services must do with requests aiohttp cannot parse, checked over a raw socket: no HTTP client
would send them (`storefront.common.runner` explains how the services answer them).

A service is served here by `storefront.common.runner.make_runner`, the runner `python -m storefront.<service>
serve` uses, on an ephemeral loopback port.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web
from prometheus_client import REGISTRY
from storefront.common.metrics import UNMATCHED_ROUTE
from storefront.common.runner import make_runner

# Over aiohttp's 8190-byte limit on the request line and on each header field.
OVERSIZED = 9 * 1024
UNPARSABLE_REQUESTS = {
    "9 KB header": f"GET /healthz HTTP/1.1\r\nHost: shop\r\nX-Padding: {'a' * OVERSIZED}\r\n\r\n",
    "9 KB URL": f"GET /healthz?q={'a' * OVERSIZED} HTTP/1.1\r\nHost: shop\r\n\r\n",
    "129 headers": "GET /healthz HTTP/1.1\r\nHost: shop\r\n"
    + "".join(f"X-H{n}: {n}\r\n" for n in range(129))
    + "\r\n",
    "broken header": "GET /healthz HTTP/1.1\r\nHost: shop\r\nNo colon here\r\n\r\n",
}


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@asynccontextmanager
async def served(app: web.Application) -> AsyncIterator[int]:
    """Serve `app` as the service command does (its runner, access log on); yield the port."""
    runner = make_runner(app, access_log=True)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        yield runner.addresses[0][1]
    finally:
        await runner.cleanup()


async def exchange(port: int, request: str) -> RawResponse:
    """Send `request` as bytes and read the answer until the server closes the connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request.encode())
        await writer.drain()
        raw = await reader.read()  # to EOF: an unparsable request ends its connection
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    return RawResponse(int(status_line.split()[1]), {k.lower(): v for k, v in headers.items()}, body)


async def check_unparsable_requests(app: web.Application, caplog: pytest.LogCaptureFixture) -> None:
    """Each unparsable request gets a JSON 400 with a request id, logged once at INFO, no traceback."""
    caplog.set_level(logging.DEBUG)
    counted = {"method": "OTHER", "route": UNMATCHED_ROUTE, "status": "400"}
    counted_before = REGISTRY.get_sample_value("http_requests_total", counted) or 0
    async with served(app) as port:
        for name, request in UNPARSABLE_REQUESTS.items():
            caplog.clear()
            response = await exchange(port, request)
            assert response.status == 400, name
            assert response.headers["content-type"].startswith("application/json"), name
            error = response.json()["error"]
            assert error["code"] == "bad_request", name
            assert error["message"], name
            assert "details" in error, name
            if "9 KB" in name:
                assert "longer than 8190 bytes" in error["message"], name
            request_id = response.headers["x-request-id"]
            assert len(request_id) == 32, name
            refusals = [r for r in caplog.records if r.name == "storefront.common.runner"]
            assert [(r.levelno, r.request_id, r.exc_info) for r in refusals] == [
                (logging.INFO, request_id, None)
            ], name
            assert not [r for r in caplog.records if r.levelno >= logging.WARNING], name
            access = [r for r in caplog.records if r.name == "aiohttp.access"]
            assert [(r.status, r.request_id) for r in access] == [(400, request_id)], name
        counted_after = REGISTRY.get_sample_value("http_requests_total", counted)
        assert counted_after == counted_before + len(UNPARSABLE_REQUESTS)
        # The service still answers well-formed requests.
        healthy = await exchange(port, "GET /healthz HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n\r\n")
        assert healthy.status == 200
