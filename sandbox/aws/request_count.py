"""Counts the AWS API requests the sandbox answers, per service, for the converge benchmark.

A WSGI middleware in front of moto. `GET /_sandbox/requests` answers
`{"total": N, "by_service": {"s3": n, ...}, "cpu_seconds": s}`: the counts since the server started and the
CPU time the server has used, so that a caller takes the difference over the span it measures. The service
is the one the request is signed for (SigV4 credential scope); unsigned requests count as `unsigned`.
moto's own `/moto-api/` calls and this endpoint are not AWS API requests and are not counted.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable

PATH = "/_sandbox/requests"

# Authorization: AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, ...
_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/,\s]+/([^/,\s]+)/aws4_request")


def service_of(environ: dict) -> str:
    """The service a request is signed for, from its Authorization header or a presigned URL's query."""
    signed = environ.get("HTTP_AUTHORIZATION", "") or environ.get("QUERY_STRING", "").replace("%2F", "/")
    match = _CREDENTIAL_SCOPE.search(signed.replace("X-Amz-Credential=", "Credential="))
    return match.group(1) if match else "unsigned"


class RequestCounter:
    """WSGI middleware: counts each request per service, and answers PATH with the counts."""

    def __init__(self, app: Callable) -> None:
        self.app = app
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def snapshot(self) -> dict:
        with self._lock:
            by_service = dict(sorted(self._counts.items()))
        total = sum(by_service.values())
        return {"total": total, "by_service": by_service, "cpu_seconds": time.process_time()}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == PATH:
            body = json.dumps(self.snapshot()).encode()
            headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            start_response("200 OK", headers)
            return [body]
        if not path.startswith("/moto-api/"):
            service = service_of(environ)
            with self._lock:
                self._counts[service] += 1
        return self.app(environ, start_response)
