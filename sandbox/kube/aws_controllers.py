"""The add-on controllers that talk to AWS: External Secrets Operator and AWS Load Balancer Controller.

They run only when the emulator is given the sandbox's AWS endpoint (`serve --aws-endpoint URL`, which
sandbox/components.py passes), and call it with botocore as the real controllers call AWS. AWS calls are
blocking, so they run in a worker thread, one reconcile at a time, off a queue of keys that store events
fill: the API server (and the workload controllers on the event loop) never wait for AWS. Objects are
read before, and written after, on the event loop, as everything else that touches the store.

Only events of the kinds these controllers watch cost anything: `on_event` is a set lookup for every
other event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.kube.api import Cluster
from sandbox.kube.storage import Event

log = logging.getLogger(__name__)

Key = tuple[str, ...]
# Credentials the sandbox's moto accepts; the real controllers get theirs from IRSA, which is not emulated.
SANDBOX_CREDENTIALS = {"aws_access_key_id": "sandbox", "aws_secret_access_key": "sandbox"}


@dataclass
class AwsEndpoint:
    url: str
    region: str
    _clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        """A botocore client for the sandbox's endpoint (made once per service; used from the worker)."""
        if service not in self._clients:
            import boto3  # only an emulator given an AWS endpoint pays for the import
            from botocore.config import Config

            self._clients[service] = boto3.session.Session().client(
                service,
                endpoint_url=self.url,
                region_name=self.region,
                config=Config(
                    retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=60
                ),
                **SANDBOX_CREDENTIALS,
            )
        return self._clients[service]


class AwsControllers:
    """The queue and worker shared by the AWS-backed controllers."""

    def __init__(self, cluster: Cluster, endpoint: AwsEndpoint) -> None:
        from sandbox.kube.external_secrets import ExternalSecrets
        from sandbox.kube.load_balancer_controller import LoadBalancerController

        self.cluster = cluster
        self.endpoint = endpoint
        self._pending: dict[Key, None] = {}
        self._wake: asyncio.Event | None = None
        self._timers: dict[Key, asyncio.TimerHandle] = {}
        self._task: asyncio.Task | None = None
        self.controllers = [
            ExternalSecrets(cluster, endpoint, self),
            LoadBalancerController(cluster, endpoint, self),
        ]
        self._handlers: dict[str, Callable[[Key], Awaitable[None]]] = {}
        self._routes: dict[tuple[str, str], list[Callable[[Event], None]]] = {}
        for controller in self.controllers:
            self._handlers.update(controller.handlers())
            for group_resource, route in controller.routes().items():
                self._routes.setdefault(group_resource, []).append(route)

    # --- events in
    def on_event(self, event: Event) -> None:
        routes = self._routes.get(event.group_resource)
        if routes:
            for route in routes:
                route(event)

    def enqueue(self, key: Key) -> None:
        self._pending[key] = None
        if self._wake is not None:
            self._wake.set()

    def enqueue_later(self, key: Key, seconds: float) -> None:
        """Reconcile `key` again after `seconds` (one timer per key: a later call replaces it)."""
        self.cancel_timer(key)
        loop = asyncio.get_running_loop()
        self._timers[key] = loop.call_later(seconds, self._fire, key)

    def cancel_timer(self, key: Key) -> None:
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()

    def _fire(self, key: Key) -> None:
        self._timers.pop(key, None)
        self.enqueue(key)

    # --- the worker
    def start(self) -> None:
        self._wake = asyncio.Event()
        if self._pending:
            self._wake.set()
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        for key in list(self._timers):
            self.cancel_timer(key)
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            while self._pending:
                key = next(iter(self._pending))
                del self._pending[key]
                try:
                    await self._handlers[key[0]](key)
                except Exception:
                    log.exception("AWS controller failed on %s", key)
            self._wake.clear()


def run_in_thread(function: Callable[..., Any], *args: Any) -> Awaitable[Any]:
    return asyncio.to_thread(function, *args)
