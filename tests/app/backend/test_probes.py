"""Probes, metrics, the OpenAPI document and the behaviour every route shares (request id, JSON errors)."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from storefront.common.cart import CART_COOKIE, CART_HEADER

from .conftest import API


async def test_healthz_answers_ok(api: TestClient) -> None:
    response = await api.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_readyz_reports_both_backing_services(api: TestClient) -> None:
    response = await api.get("/readyz")
    assert response.status == 200
    assert await response.json() == {"postgres": "ok", "redis": "ok"}


async def test_metrics_are_labelled_by_route_template_not_raw_path(api: TestClient) -> None:
    await api.get(f"{API}/products/1")
    await api.get(f"{API}/products/2")
    await api.get("/no/such/page")
    response = await api.get("/metrics")
    assert response.status == 200
    assert response.content_type == "text/plain"
    text = await response.text()
    assert 'http_requests_total{method="GET",route="/api/v1/products/{id}",status="200"}' in text
    assert 'route="/api/v1/products/1"' not in text
    assert 'route="<unmatched>",status="404"' in text
    assert "http_request_duration_seconds_bucket" in text
    assert "storefront_cache_lookups_total" in text


async def test_openapi_document_lists_every_api_route(api: TestClient) -> None:
    response = await api.get(f"{API}/openapi.json")
    assert response.status == 200
    document = await response.json()
    assert document["openapi"].startswith("3.1")
    routes = {
        (method.upper(), resource.canonical)
        for resource in api.app.router.resources()
        if resource.canonical.startswith(API) and not resource.canonical.endswith("openapi.json")
        for method in ["get", "post", "patch", "delete"]
        if any(route.method == method.upper() for route in resource)
    }
    documented = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    assert routes <= documented
    assert {"Product", "ProductPage", "Cart", "Order", "Error"} <= set(document["components"]["schemas"])


async def test_openapi_document_names_the_cart_as_the_services_do(api: TestClient) -> None:
    # One definition of the cart's wire names (storefront.common.cart) serves the backend, the frontend and
    # this document: every cart operation takes the header and answers with it.
    document = await (await api.get(f"{API}/openapi.json")).json()
    cart_operations = [
        operation
        for path, operations in document["paths"].items()
        if path.startswith(f"{API}/cart")
        for operation in operations.values()
    ]
    assert len(cart_operations) == 4
    for operation in cart_operations:
        assert {"name": CART_HEADER, "in": "header"}.items() <= operation["parameters"][-1].items()
        assert CART_HEADER in operation["responses"]["200"]["headers"]
        assert CART_COOKIE in operation["responses"]["200"]["description"]


async def test_request_id_is_kept_when_sensible_and_made_up_otherwise(api: TestClient) -> None:
    kept = await api.get("/healthz", headers={"X-Request-ID": "trace-1234"})
    assert kept.headers["X-Request-ID"] == "trace-1234"
    generated = await api.get("/healthz")
    assert len(generated.headers["X-Request-ID"]) == 32
    replaced = await api.get("/healthz", headers={"X-Request-ID": "x" * 500})
    assert replaced.headers["X-Request-ID"] != "x" * 500


async def test_unknown_route_is_a_json_404_with_a_request_id(api: TestClient) -> None:
    response = await api.get("/api/v1/nothing-here")
    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"
    assert response.headers["X-Request-ID"]


async def test_wrong_method_is_a_json_405_that_says_what_is_allowed(api: TestClient) -> None:
    response = await api.put(f"{API}/products")
    assert response.status == 405
    assert "GET" in response.headers["Allow"]
    assert (await response.json())["error"]["code"] == "method_not_allowed"
