"""The /api proxy: headers in and out, cookies, streaming, and 502/504 when the backend fails."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from fake_backend import FakeBackend


async def test_request_headers_body_and_query_reach_the_backend(client: TestClient) -> None:
    response = await client.post(
        "/api/test/echo?x=1&y=a%26b%20c",
        data=b'{"hello": "world"}',
        headers={
            "Content-Type": "application/json",
            "Connection": "keep-alive, X-Private-Hop",
            "X-Private-Hop": "must not pass",
            "Proxy-Authorization": "Basic c2VjcmV0",
            "TE": "trailers",
            "X-Forwarded-For": "203.0.113.7",
            "X-Request-ID": "req-123",
            "Cookie": "cart_id=abc",
        },
    )
    assert response.status == 201
    echoed = await response.json()
    headers = {name.lower(): value for name, value in echoed["headers"].items()}
    assert echoed["method"] == "POST"
    assert echoed["raw_path"] == "/api/test/echo?x=1&y=a%26b%20c"
    assert echoed["body"] == '{"hello": "world"}'
    assert headers["content-type"] == "application/json"
    assert headers["content-length"] == "18"
    assert headers["cookie"] == "cart_id=abc"
    assert headers["x-request-id"] == "req-123"
    assert headers["x-forwarded-for"] == "203.0.113.7, 127.0.0.1"
    assert headers["x-forwarded-proto"] == "http"
    for hop_by_hop in ("x-private-hop", "proxy-authorization", "te"):
        assert hop_by_hop not in headers
    assert headers["host"] != client.make_url("/").authority  # the backend's own Host


async def test_response_headers_are_stripped_and_every_cookie_passes(client: TestClient) -> None:
    response = await client.get("/api/test/echo")
    assert response.status == 200
    assert response.headers["X-Custom"] == "kept"
    assert "X-Backend-Private" not in response.headers  # named by the backend's Connection header
    assert "Keep-Alive" not in response.headers
    assert sorted(cookie.split(";")[0] for cookie in response.headers.getall("Set-Cookie")) == [
        "first=1",
        "second=2",
    ]


async def test_generated_request_id_is_forwarded(client: TestClient) -> None:
    response = await client.get("/api/test/echo")
    echoed = await response.json()
    assert echoed["headers"]["X-Request-ID"] == response.headers["X-Request-ID"]


async def test_cart_cookie_round_trip_through_the_proxy(
    client: TestClient, fake_backend: FakeBackend
) -> None:
    created = await client.post("/api/v1/cart/items", json={"product_id": 4, "quantity": 3})
    assert created.status == 200
    cart = await created.json()
    assert fake_backend.carts[cart["id"]] == {4: 3}
    # The browser sends the cookie back; the page view then sees the same cart.
    html = await (await client.get("/cart")).text()
    assert "Kitchen item 4" in html
    assert "Subtotal (3 items)" in html


async def test_backend_errors_pass_through_unchanged(client: TestClient) -> None:
    response = await client.get("/api/v1/products/999")
    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"


async def test_chunked_body_streams_through(client: TestClient) -> None:
    response = await client.get("/api/test/stream")
    assert response.status == 200
    assert "Content-Length" not in response.headers
    assert response.headers["Transfer-Encoding"] == "chunked"
    assert await response.text() == "".join(f"chunk {number}\n" for number in range(5))


async def test_large_body_streams_with_its_length(client: TestClient) -> None:
    response = await client.get("/api/test/truncated", params={"length": "1000000"})
    assert response.status == 200
    assert response.headers["Content-Length"] == "1000000"
    # The backend broke off mid-body; the proxy cuts the client off too rather than end the body cleanly.
    with pytest.raises(aiohttp.ClientPayloadError):
        await response.read()


async def test_small_body_cut_short_by_the_backend_is_a_502(client: TestClient) -> None:
    response = await client.get("/api/test/truncated", params={"length": "1000"})
    assert response.status == 502
    assert (await response.json())["error"]["code"] == "bad_gateway"


async def test_backend_down_is_a_502_json_error(client_without_backend: TestClient) -> None:
    response = await client_without_backend.get("/api/v1/products")
    assert response.status == 502
    assert (await response.json())["error"]["code"] == "bad_gateway"


async def test_backend_silence_is_a_504_json_error(impatient_client: TestClient) -> None:
    response = await impatient_client.get("/api/test/slow")
    assert response.status == 504
    assert (await response.json())["error"]["code"] == "gateway_timeout"


async def test_probes_and_metrics(client: TestClient, client_without_backend: TestClient) -> None:
    assert (await client.get("/healthz")).status == 200
    assert (await client.get("/readyz")).status == 200
    not_ready = await client_without_backend.get("/readyz")
    assert not_ready.status == 503
    assert (await not_ready.json())["checks"] == {"backend": False}
    assert (await client_without_backend.get("/healthz")).status == 200

    await client.get("/api/v1/categories")
    metrics = await (await client.get("/metrics")).text()
    assert 'http_requests_total{method="GET",route="/api/{path}",status="200"}' in metrics
