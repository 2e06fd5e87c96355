"""Prometheus metrics for HTTP traffic, labelled by route template (`/api/v1/products/{id}`), never by
raw path, so that the number of series stays bounded whatever clients request."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

UNMATCHED_ROUTE = "<unmatched>"

REQUESTS = Counter("http_requests_total", "HTTP requests served", ["method", "route", "status"])
REQUEST_SECONDS = Histogram(
    "http_request_duration_seconds",
    "Time spent serving HTTP requests",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


# The labelled children are looked up once per label set, not on every request (labels() takes a lock).
# Label values are bounded (route templates, known methods, status codes), so the caches stay small.
@lru_cache(maxsize=2048)
def _request_counter(method: str, route: str, status: int) -> Any:
    return REQUESTS.labels(method, route, str(status))


@lru_cache(maxsize=1024)
def _request_timer(method: str, route: str) -> Any:
    return REQUEST_SECONDS.labels(method, route)


def route_template(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else UNMATCHED_ROUTE


def observe_request(request: web.Request, status: int, seconds: float) -> None:
    """Count one served request and its duration under its route template (the service middleware calls
    this once per request, whatever the outcome)."""
    route = route_template(request)
    method = request.method if request.method in _KNOWN_METHODS else "OTHER"
    _request_counter(method, route, status).inc()
    _request_timer(method, route).observe(seconds)


def count_unparsed_request(status: int) -> None:
    """Count a request aiohttp refused before routing (not valid HTTP, a line too long): no method or route
    could be read, so it is counted as method OTHER on the unmatched route."""
    _request_counter("OTHER", UNMATCHED_ROUTE, status).inc()


def metrics_handler(registry: CollectorRegistry = REGISTRY):
    """A handler exposing `registry` in the Prometheus text format; mount it at GET /metrics."""

    async def metrics(request: web.Request) -> web.Response:
        response = web.Response(body=generate_latest(registry))
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    return metrics
