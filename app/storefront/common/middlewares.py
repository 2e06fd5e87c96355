"""The service layer of both services, around everything an application does with a request: request id,
metrics and errors, in one layer.

It is no aiohttp middleware: the mere presence of one makes aiohttp build and call a chain per request
(an lru_cache lookup, functools.partial calls, its own current-app middleware), which cost a cache hit
about a tenth of its CPU time. `storefront.common.runner.ServiceRunner` wraps the application's request
handler in `service_layer` instead, so whatever serves a service (the service command, the tests' client)
serves it through that runner. In order of nesting:
- the request id (the caller's if acceptable, else a new one) is set for the logs and on the response;
- the request is counted and timed under its route template, with the status the client finally sees;
- this is the one place where exceptions become HTTP responses: domain errors and aiohttp's HTTP
  exceptions (routing's 404 and 405 included) turn into the JSON error document, anything unexpected into
  a logged 500.
"""

from __future__ import annotations

import itertools
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from multidict import istr

from storefront.common.errors import DomainError
from storefront.common.logs import request_id_var
from storefront.common.metrics import observe_request

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# An application may show the HTTP errors the router raises (404, 405) its own way: this callable returns
# the answer, or None for the JSON error document (the frontend shows a page on a page's address).
ErrorPage = Callable[[web.Request, web.HTTPException], web.StreamResponse | None]
HTTP_ERROR_PAGE = web.AppKey("http_error_page", ErrorPage)

# An istr: header lookups need not case-fold the name each time.
REQUEST_ID_HEADER = istr("X-Request-ID")
# nginx's status for "the client closed the connection before the answer": counted, never sent.
CLIENT_CLOSED_REQUEST = 499
REQUEST_ID_KEY = web.RequestKey("request_id", str)
# A caller's id is kept only if it is short and printable, so it cannot forge log lines or bloat headers.
_ACCEPTABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


# An id only has to be unique, not secret: 64 random bits drawn once per process (from os.urandom, through
# the seeded Mersenne Twister) followed by the process's request counter, 32 hex digits in all.
_ID_PREFIX = f"{random.getrandbits(64):016x}"
_id_counter = itertools.count(random.getrandbits(32))


def new_request_id() -> str:
    """A request id unique across processes and restarts: this process's random prefix and a counter."""
    return f"{_ID_PREFIX}{next(_id_counter) & 0xFFFF_FFFF_FFFF_FFFF:016x}"


_CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "too_many_requests",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}
# Headers of an aiohttp HTTPException worth keeping on the JSON answer (405 must say what is allowed).
_KEPT_HEADERS = ("Allow", "Retry-After", "Location")

log = logging.getLogger(__name__)


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(
        {"error": {"code": code, "message": message, "details": details}}, status=status, headers=headers
    )


def _http_error_response(request: web.Request, error: web.HTTPException) -> web.StreamResponse:
    error_page = request.app.get(HTTP_ERROR_PAGE)
    response = error_page(request, error) if error_page is not None else None
    if response is None:
        headers = {name: error.headers[name] for name in _KEPT_HEADERS if name in error.headers}
        code = _CODE_BY_STATUS.get(error.status, "http_error")
        response = error_response(error.status, code, error.reason, headers=headers)
    return response


def service_layer(handle: Handler) -> Handler:
    """`handle` (an application's request handler: routing, its middlewares, the view) wrapped in the
    service layer described above."""

    async def serve(request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        request_id = request.headers.get(REQUEST_ID_HEADER)
        if not request_id or not _ACCEPTABLE_REQUEST_ID.fullmatch(request_id):
            request_id = new_request_id()
        request[REQUEST_ID_KEY] = request_id
        # Each request runs in a task of its own, with a copy of the context: no reset is needed.
        request_id_var.set(request_id)
        # Recorded if something escapes the handler: only cancellation does (the server shutting down, or
        # the client leaving with handler cancellation on), and then no client is left to see a status.
        status = CLIENT_CLOSED_REQUEST
        try:
            try:
                response = await handle(request)
            except DomainError as error:
                if error.status >= 500:
                    log.warning("%s: %s", error.code, error.message)
                response = error_response(error.status, error.code, error.message, error.details)
            except web.HTTPException as error:
                if error.status < 400:
                    # Redirects and 304 are answers, not errors; they still carry the id.
                    status = error.status
                    error.headers[REQUEST_ID_HEADER] = request_id
                    raise
                response = _http_error_response(request, error)
            except ConnectionResetError:
                # The client went away mid-request (typically mid-body): not a server fault, and nobody is
                # left to read an answer. The response below is for aiohttp, which drops it quietly.
                log.info("client disconnected during %s %s", request.method, request.path)
                return error_response(400, "client_disconnected", "The client closed the connection.")
            except Exception:
                log.exception("unhandled error serving %s %s", request.method, request.path)
                response = error_response(500, "internal_error", "The server failed to answer this request.")
            status = response.status
            response.headers[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            observe_request(request, status, time.perf_counter() - started)

    return serve
