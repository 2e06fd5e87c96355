"""Running a service in the foreground: JSON access log, graceful shutdown on SIGTERM.

`web.run_app` turns SIGTERM/SIGINT into a graceful exit: it stops accepting connections, lets in-flight
requests finish for up to `shutdown_timeout` seconds, then runs the application's cleanup contexts (pools
closed). Kubernetes sends SIGTERM and waits terminationGracePeriodSeconds (30 s by default) before SIGKILL,
so the timeout stays below that.

The event loop is uvloop's (libuv): its transports and scheduler are compiled, where asyncio's are
Python; `make bench-app` runs its bare-aiohttp baseline on this same runner, so its ratios compare like with
like.

Once the application has started, everything allocated so far (modules, pydantic and OpenAPI schemas,
metric families, pools) is moved out of the garbage collector's sight with `gc.freeze()`: it lives as long
as the process, and scanning it again in every full collection cost the API about a tenth of its CPU time.
"""

from __future__ import annotations

import gc
import logging

import uvloop
from aiohttp import web

from storefront.common.logs import JsonAccessLogger

SHUTDOWN_TIMEOUT_SECONDS = 20.0

log = logging.getLogger(__name__)


async def _freeze_startup_objects(app: web.Application) -> None:
    gc.collect()
    gc.freeze()


def run(app: web.Application, host: str, port: int, *, access_log: bool) -> None:
    """Serve `app` until SIGTERM/SIGINT, with or without the access log (one JSON line per request)."""
    app.on_startup.append(_freeze_startup_objects)  # after the resources the app opens on startup
    log.info("listening on http://%s:%d", host, port, extra={"host": host, "port": port})
    web.run_app(
        app,
        host=host,
        port=port,
        print=None,
        access_log_class=JsonAccessLogger,
        access_log=logging.getLogger("aiohttp.access") if access_log else None,
        shutdown_timeout=SHUTDOWN_TIMEOUT_SECONDS,
        handle_signals=True,
        loop=uvloop.new_event_loop(),
    )
