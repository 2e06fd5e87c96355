"""What every stand-in controller shares: typed access to the cluster as a controller writes to it.

The controllers themselves live in lifecycle.py (garbage collection, finalizers, namespaces, CRD cleanup),
workloads.py (Deployments down to Pods, the scheduler, Services, Ingresses, PVCs, disruption budgets) and
eks.py (what an EKS cluster holds before anyone touches it); controllers.py runs them off store events.
"""

from __future__ import annotations

import copy
import hashlib
import json

from sandbox.kube.api import Cluster, DeleteOptions, WriteOptions, now
from sandbox.kube.errors import ApiError
from sandbox.kube.resources import ResourceType

CONTROLLER = "kube-controller-manager"
REGION = "us-east-1"
GroupResource = tuple[str, str]


def stable_hash(*parts: object, length: int = 10) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:length]


def condition(kind: str, status: str, reason: str, message: str) -> dict:
    timestamp = now()
    return {
        "type": kind,
        "status": status,
        "lastUpdateTime": timestamp,
        "lastTransitionTime": timestamp,
        "reason": reason,
        "message": message,
    }


def controller_of(obj: dict) -> dict | None:
    return next((ref for ref in obj["metadata"].get("ownerReferences") or [] if ref.get("controller")), None)


class ControllerBase:
    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster

    def type(self, group: str, plural: str) -> ResourceType:
        resource_type = self.cluster.registry.preferred(group, plural)
        assert resource_type is not None
        return resource_type

    def all_objects(self):
        for group_resource in self.cluster.store.group_resources():
            for obj in self.cluster.store.list(group_resource):
                yield group_resource, obj

    def ensure(self, resource_type: ResourceType, namespace: str, body: dict, options: WriteOptions) -> None:
        """Create body unless an object of that name exists."""
        ns = namespace if resource_type.namespaced else ""
        if self.cluster.store.get(resource_type.group_resource, ns, body["metadata"]["name"]) is None:
            self.cluster.create(resource_type, namespace, body, options)

    def write(self, group_resource: GroupResource, obj: dict) -> None:
        resource_type = self.cluster.registry.preferred(*group_resource)
        if resource_type is None:
            return
        self.cluster.update(
            resource_type,
            obj["metadata"].get("namespace", ""),
            obj["metadata"]["name"],
            obj,
            WriteOptions(field_manager=CONTROLLER),
        )

    def delete_object(self, group_resource: GroupResource, obj: dict, policy: str | None = None) -> None:
        resource_type = self.cluster.registry.preferred(*group_resource)
        if resource_type is None:
            return
        try:
            self.cluster.delete(
                resource_type,
                obj["metadata"].get("namespace", ""),
                obj["metadata"]["name"],
                DeleteOptions(propagation_policy=policy),
            )
        except ApiError as error:
            if error.code != 404:
                raise

    def set_status(self, group_resource: GroupResource, obj: dict, status: dict) -> None:
        if obj.get("status") == status:
            return
        self.cluster.update(
            self.type(*group_resource),
            obj["metadata"].get("namespace", ""),
            obj["metadata"]["name"],
            {**copy.deepcopy(obj), "status": status},
            WriteOptions(field_manager=CONTROLLER),
            subresource="status",
        )

    def owned(self, group_resource: GroupResource, namespace: str, uid: str) -> list[dict]:
        """The objects whose controller is the object with `uid`."""
        return [
            obj
            for obj in self.cluster.store.list(group_resource, namespace)
            if (controller_of(obj) or {}).get("uid") == uid
        ]
