"""Prometheus metrics for HTTP traffic, labelled by route template (`/api/v1/products/{id}`), never by
raw path, so that the number of series stays bounded whatever clients request.

What is counted per request is counted in plain Python numbers, without prometheus_client's locks, and
handed to Prometheus when it scrapes (a `Collector`): every request is served, and so counted, on the
event loop's thread, and the scrape (`/metrics`) runs on that thread too. A locked Counter.inc and
Histogram.observe per request cost the API about a tenth of its CPU time on a cache hit.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from itertools import accumulate

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.metrics_core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

UNMATCHED_ROUTE = "<unmatched>"
DURATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class LoopCounter(Collector):
    """A Prometheus counter with labels, counted on the event loop's thread only (no lock).

    `counter.labels("hit")` returns the child once, for keeping; `child.inc()` adds one."""

    class Child:
        __slots__ = ("value",)

        def __init__(self) -> None:
            self.value = 0

        def inc(self) -> None:
            self.value += 1

    def __init__(
        self,
        name: str,
        documentation: str,
        labelnames: Sequence[str] = (),
        registry: CollectorRegistry = REGISTRY,
    ) -> None:
        self.name, self.documentation, self.labelnames = name, documentation, tuple(labelnames)
        self._children: dict[tuple[str, ...], LoopCounter.Child] = {}
        registry.register(self)

    def labels(self, *values: str) -> LoopCounter.Child:
        child = self._children.get(values)
        if child is None:
            child = self._children[values] = LoopCounter.Child()
        return child

    def describe(self) -> list[Metric]:
        return [CounterMetricFamily(self.name, self.documentation, labels=self.labelnames)]

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(self.name, self.documentation, labels=self.labelnames)
        for values, child in list(self._children.items()):
            family.add_metric(values, child.value)
        yield family


class HttpMetrics(Collector):
    """`http_requests_total` (method, route, status) and `http_request_duration_seconds` (method, route)."""

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self._requests: dict[tuple[str, str, int], int] = {}
        # (method, route) -> a count per bucket (the last one +Inf), then the sum of the durations
        self._durations: dict[tuple[str, str], list[float]] = {}
        registry.register(self)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        self._requests[key] = self._requests.get(key, 0) + 1
        series = self._durations.get((method, route))
        if series is None:
            series = self._durations[method, route] = [0] * (len(DURATION_BUCKETS) + 1) + [0.0]
        series[bisect_left(DURATION_BUCKETS, seconds)] += 1  # the first bucket whose bound is >= seconds
        series[-1] += seconds

    def count(self, method: str, route: str, status: int) -> None:
        key = (method, route, status)
        self._requests[key] = self._requests.get(key, 0) + 1

    def describe(self) -> list[Metric]:
        return list(self._families())

    def collect(self) -> Iterator[Metric]:
        requests, durations = self._families()
        for (method, route, status), count in list(self._requests.items()):
            requests.add_metric([method, route, str(status)], count)
        bounds = [*map(floatToGoString, DURATION_BUCKETS), "+Inf"]
        for (method, route), series in list(self._durations.items()):
            cumulative = accumulate(series[:-1])
            durations.add_metric([method, route], list(zip(bounds, cumulative, strict=True)), series[-1])
        yield requests
        yield durations

    @staticmethod
    def _families() -> tuple[CounterMetricFamily, HistogramMetricFamily]:
        return (
            CounterMetricFamily(
                "http_requests", "HTTP requests served", labels=["method", "route", "status"]
            ),
            HistogramMetricFamily(
                "http_request_duration_seconds",
                "Time spent serving HTTP requests",
                labels=["method", "route"],
            ),
        )


HTTP_METRICS = HttpMetrics()


def route_template(request: web.Request) -> str:
    try:
        resource = request.match_info.route.resource
    except (AssertionError, AttributeError):  # never routed: cancelled or failed before the router answered
        return UNMATCHED_ROUTE
    return resource.canonical if resource is not None else UNMATCHED_ROUTE


def observe_request(request: web.Request, status: int, seconds: float) -> None:
    """Count one served request and its duration under its route template (the service layer calls this
    once per request, whatever the outcome)."""
    method = request.method
    HTTP_METRICS.observe(
        method if method in _KNOWN_METHODS else "OTHER", route_template(request), status, seconds
    )


def count_unparsed_request(status: int) -> None:
    """Count a request aiohttp refused before routing (not valid HTTP, a line too long): no method or route
    could be read, so it is counted as method OTHER on the unmatched route."""
    HTTP_METRICS.count("OTHER", UNMATCHED_ROUTE, status)


def metrics_handler(registry: CollectorRegistry = REGISTRY):
    """A handler exposing `registry` in the Prometheus text format; mount it at GET /metrics."""

    async def metrics(request: web.Request) -> web.Response:
        response = web.Response(body=generate_latest(registry))
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    return metrics
