"""Runs the stand-in controllers off store events, as kube-controller-manager's informers would.

- lifecycle.py (always on, because without it deletes never finish): garbage collection, finalizers,
  namespaces, CRD cleanup;
- workloads.py (off with --no-controllers, so that waits can be seen to time out): Deployments down to
  Pods, the scheduler, budgets, load balancer hostnames, volumes;
- eks.py: the objects an EKS cluster starts with.

An event reconciles its object, then what depends on it: the controller owner of a changed or deleted
object (a ReplicaSet when one of its Pods goes, a Deployment when its ReplicaSet's status moves), and the
budgets, DaemonSets and unscheduled Pods that watch Pods and Nodes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sandbox.kube.api import Cluster
from sandbox.kube.aws_controllers import AwsControllers, AwsEndpoint
from sandbox.kube.control import controller_of
from sandbox.kube.eks import EksSeed
from sandbox.kube.errors import ApiError
from sandbox.kube.lifecycle import Lifecycle
from sandbox.kube.storage import Event
from sandbox.kube.workloads import Workloads

log = logging.getLogger(__name__)


class Controllers:
    def __init__(
        self, cluster: Cluster, *, workloads: bool, ca_pem: str = "", aws: AwsEndpoint | None = None
    ) -> None:
        self.cluster = cluster
        self.lifecycle = Lifecycle(cluster, ca_pem=ca_pem)
        # With an AWS endpoint, the load balancer controller's part makes real ALBs (aws_controllers.py);
        # without one, alb Ingresses get a made-up hostname of the same shape.
        self.workloads = Workloads(cluster, alb_hostnames=aws is None) if workloads else None
        self.aws = AwsControllers(cluster, aws) if workloads and aws is not None else None
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._task: asyncio.Task | None = None
        cluster.store.add_listener(self._queue.put_nowait)

    def seed(self) -> None:
        EksSeed(self.cluster).seed()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())
        if self.aws:
            self.aws.start()
        for group_resource in self.cluster.store.group_resources():
            for obj in self.cluster.store.list(group_resource):
                self._queue.put_nowait(Event("MODIFIED", group_resource, obj, 0))

    async def stop(self) -> None:
        if self.aws:
            await self.aws.stop()
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            event = await self._queue.get()
            # Yield once so the client that caused the event sees its own answer before the controllers act,
            # as with a real, asynchronous control plane.
            await asyncio.sleep(0)
            try:
                self.reconcile(event)
            except ApiError as error:
                # Lost races (the object changed or went away meanwhile) are retried by the next event.
                log.debug("controller skipped %s: %s", event.group_resource, error.message)
            except Exception:
                log.exception("controller failed on %s", event.group_resource)

    def reconcile(self, event: Event) -> None:
        obj = event.obj
        if self.aws:
            self.aws.on_event(event)
        if event.type == "DELETED":
            self.lifecycle.on_deleted(event.group_resource, obj)
        else:
            current = self.cluster.store.get(
                event.group_resource, obj["metadata"].get("namespace", ""), obj["metadata"]["name"]
            )
            if current is None:
                return
            self.lifecycle.on_present(event.group_resource, current)
            if self.workloads and not current["metadata"].get("deletionTimestamp"):
                self._workload(event.group_resource, current)
        if self.workloads:
            self._requeue_dependents(event.group_resource, obj)

    def _workload(self, group_resource: tuple[str, str], obj: dict) -> None:
        try:
            self.workloads.reconcile(group_resource, obj)
        except ApiError as error:
            log.debug("workload controller skipped %s: %s", group_resource, error.message)

    def _requeue_dependents(self, group_resource: tuple[str, str], obj: dict) -> None:
        owner_ref = controller_of(obj)
        if owner_ref:
            owner = self.cluster.store.by_uid(owner_ref.get("uid", ""))
            if owner is not None and not owner[1]["metadata"].get("deletionTimestamp"):
                self._workload(*owner)
        for dependent_resource, dependent in self.workloads.dependents_to_requeue(group_resource, obj):
            current = self.cluster.store.get(
                dependent_resource, dependent["metadata"].get("namespace", ""), dependent["metadata"]["name"]
            )
            if current is not None and not current["metadata"].get("deletionTimestamp"):
                self._workload(dependent_resource, current)
