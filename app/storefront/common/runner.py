"""Running a service in the foreground: the service layer, JSON access log, JSON errors for unparsable
requests, graceful shutdown on SIGTERM.

Every request is served through `storefront.common.middlewares.service_layer` (request id, metrics, JSON
errors), which `ServiceRunner` wraps around the application's request handler: the services and the tests'
clients are served by this runner, never by a bare `AppRunner`.

On SIGTERM/SIGINT the service stops accepting connections, lets in-flight requests finish for up to
`SHUTDOWN_TIMEOUT_SECONDS`, then runs the application's cleanup contexts (pools closed). Kubernetes sends
SIGTERM and waits terminationGracePeriodSeconds (30 s by default) before SIGKILL, so the timeout stays below
that.

Requests that aiohttp cannot parse (a request line or header over 8190 bytes, too many headers, a bad
method, broken framing) never reach the middlewares: aiohttp answers them itself from
`RequestHandler.handle_error`, in plain text, with no request id, and logs a traceback at ERROR. aiohttp
has no public hook for that answer (aio-libs/aiohttp#3287, open), so each connection is served by a
`RequestHandler` subclass that overrides `handle_error` for parse errors only, and `ServiceRunner`, an
`AppRunner`, hands the socket that protocol through its server factory (`_make_server`, the method each
runner implements). `tests/app/backend/test_unparsable_requests.py` pins the result for both services.

The event loop is uvloop's (libuv): its transports and scheduler are compiled, where asyncio's are
Python; `make bench-app` runs its bare-aiohttp baseline on this same runner, so its ratios compare like with
like.

Once the application has started, everything allocated so far (modules, pydantic and OpenAPI schemas,
metric families, pools) is moved out of the garbage collector's sight with `gc.freeze()`: it lives as long
as the process, and scanning it again in every full collection cost the API about a tenth of its CPU time.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from typing import Any

import uvloop
from aiohttp import web
from aiohttp.http_exceptions import BadHttpMethod, HttpProcessingError, LineTooLong

from storefront.common.logs import JsonAccessLogger
from storefront.common.metrics import count_unparsed_request
from storefront.common.middlewares import REQUEST_ID_HEADER, error_response, new_request_id, service_layer

SHUTDOWN_TIMEOUT_SECONDS = 20.0
# How long an idle keep-alive connection is kept open (web.run_app's default; the ALB's idle timeout is 60 s).
KEEPALIVE_TIMEOUT_SECONDS = 75.0
# Longest excerpt of aiohttp's own description of a parse error put in an answer or a log line: it may
# quote the client's bytes.
_MAX_REASON = 200

log = logging.getLogger(__name__)


class JsonErrorRequestHandler(web.RequestHandler):
    """aiohttp's HTTP/1.1 connection protocol, answering a request it cannot parse with the services' JSON
    error document and a request id, logged as the client's mistake it is: one line, no traceback."""

    __slots__ = ()

    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if not isinstance(exc, HttpProcessingError):
            # A handler's failure escaped the middlewares (it never should): aiohttp's answer and log.
            return super().handle_error(request, status, exc, message)
        # The headers were never parsed, so a caller's X-Request-ID cannot be honoured: a new id it is.
        request_id = new_request_id()
        if isinstance(exc, LineTooLong):
            limit = exc.args[1] if len(exc.args) > 1 else "the"
            text = f"The request line or a header field is longer than {limit} bytes."
        else:
            text = f"The request is not valid HTTP/1.1: {exc.message[:_MAX_REASON]}"
        # Scanners and TLS sent to the plain-HTTP port are routine noise on any public address.
        level = logging.DEBUG if isinstance(exc, BadHttpMethod) else logging.INFO
        log.log(
            level,
            "refused an unparsable request from %s: %s",
            request.remote,
            exc.message[:_MAX_REASON],
            extra={"request_id": request_id, "status": status, "error_type": type(exc).__name__},
        )
        count_unparsed_request(status)
        if request.writer.output_size > 0:
            raise ConnectionError("a response was sent already; the connection is broken")
        response = error_response(status, "bad_request", text, headers={REQUEST_ID_HEADER: request_id})
        response.force_close()  # the rest of the stream cannot be trusted to be framed right
        return response


class _JsonErrorServer(web.Server):
    """aiohttp's low-level server, serving each new connection with `JsonErrorRequestHandler`."""

    def __call__(self) -> web.RequestHandler:
        return JsonErrorRequestHandler(self, loop=self._loop, **self._kwargs)


class ServiceRunner(web.AppRunner):
    """An AppRunner that serves every request through the service layer, logs access as JSON lines, and
    whose connections answer unparsable requests in JSON (see the module's docstring)."""

    def __init__(self, app: web.Application, **kwargs: Any) -> None:
        kwargs.setdefault("access_log_class", JsonAccessLogger)
        super().__init__(app, **kwargs)

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        # The same server (request factory and settings) with another protocol, and the application's
        # handler inside the service layer.
        server.__class__ = _JsonErrorServer
        server.request_handler = service_layer(server.request_handler)
        return server


async def _freeze_startup_objects(app: web.Application) -> None:
    gc.collect()
    gc.freeze()


def make_runner(
    app: web.Application, *, access_log: bool, runner_class: type[web.AppRunner] = ServiceRunner
) -> web.AppRunner:
    """The runner of a service, with or without the access log (one JSON line per request). `make bench-app`
    serves bare aiohttp with `runner_class=web.AppRunner`: the same settings, no service layer."""
    return runner_class(
        app,
        access_log=logging.getLogger("aiohttp.access") if access_log else None,
        keepalive_timeout=KEEPALIVE_TIMEOUT_SECONDS,
        shutdown_timeout=SHUTDOWN_TIMEOUT_SECONDS,
    )


async def serve(
    app: web.Application,
    host: str,
    port: int,
    *,
    access_log: bool,
    runner_class: type[web.AppRunner] = ServiceRunner,
) -> None:
    """Serve `app` on host:port until SIGTERM or SIGINT, then shut down gracefully."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    runner = make_runner(app, access_log=access_log, runner_class=runner_class)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("listening on http://%s:%d", host, port, extra={"host": host, "port": port})
        await stop.wait()
        log.info("stopping: finishing the requests in flight")
    finally:
        await runner.cleanup()


def run(
    app: web.Application,
    host: str,
    port: int,
    *,
    access_log: bool,
    runner_class: type[web.AppRunner] = ServiceRunner,
) -> None:
    """Serve `app` until SIGTERM/SIGINT, with or without the access log (one JSON line per request)."""
    app.on_startup.append(_freeze_startup_objects)  # after the resources the app opens on startup
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(serve(app, host, port, access_log=access_log, runner_class=runner_class))
