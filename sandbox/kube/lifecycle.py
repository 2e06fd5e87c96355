"""Object lifecycle, as kube-controller-manager and the apiextensions server run it (always on: without it
deletes would never finish).

- garbage collection: a dependent goes when all its owners are gone, including owners that never existed
  (an ownerReference to an unknown UID);
- finalizers `orphan` and `foregroundDeletion` (deletion propagation);
- namespaces: termination (delete the content, then drop the `kubernetes` finalizer), and what each
  namespace gets on creation (the `default` ServiceAccount, the `kube-root-ca.crt` ConfigMap);
- CustomResourceDefinitions: `customresourcecleanup.apiextensions.k8s.io` (the CRD stays Terminating
  until its objects, finalizers and all, are gone).
"""

from __future__ import annotations

import copy

from sandbox.kube.api import CRD_CLEANUP_FINALIZER, WriteOptions, now
from sandbox.kube.control import CONTROLLER, ControllerBase, GroupResource

CRDS: GroupResource = ("apiextensions.k8s.io", "customresourcedefinitions")
ROOT_CA_CONFIGMAP = "kube-root-ca.crt"


class Lifecycle(ControllerBase):
    def __init__(self, cluster, *, ca_pem: str) -> None:
        super().__init__(cluster)
        self.ca_pem = ca_pem

    def on_deleted(self, group_resource: GroupResource, gone: dict) -> None:
        self.collect_dependents(gone["metadata"].get("uid"))
        self.requeue_waiting_on(group_resource, gone)

    def on_present(self, group_resource: GroupResource, current: dict) -> None:
        if current["metadata"].get("deletionTimestamp"):
            self.finish_deletion(group_resource, current)
            return
        if current["metadata"].get("ownerReferences"):
            self.collect_orphan(group_resource, current)
        if group_resource == ("", "namespaces"):
            self.namespace_defaults(current)

    # --- garbage collection
    def dependents(self, uid: str) -> list[tuple[GroupResource, dict]]:
        return [
            (group_resource, obj)
            for group_resource, obj in self.all_objects()
            if any(ref.get("uid") == uid for ref in obj["metadata"].get("ownerReferences") or [])
        ]

    def collect_dependents(self, uid: str | None) -> None:
        """Background deletion: dependents whose owners are all gone go too."""
        if not uid:
            return
        for group_resource, dependent in self.dependents(uid):
            self.collect_orphan(group_resource, dependent)

    def collect_orphan(self, group_resource: GroupResource, obj: dict) -> None:
        """Delete obj if none of its owners exists (gone, or a UID that never existed), as the GC does."""
        owners = obj["metadata"].get("ownerReferences") or []
        if owners and all(self.cluster.store.by_uid(ref.get("uid", "")) is None for ref in owners):
            self.delete_object(group_resource, obj)

    def requeue_waiting_on(self, group_resource: GroupResource, gone: dict) -> None:
        """A deletion may be what a terminating namespace, a foreground-deleting owner or a terminating CRD
        waited for."""
        namespace = gone["metadata"].get("namespace")
        if namespace:
            ns = self.cluster.store.get(("", "namespaces"), "", namespace)
            if ns is not None and ns["metadata"].get("deletionTimestamp"):
                self.terminate_namespace(ns)
        for ref in gone["metadata"].get("ownerReferences") or []:
            owner = self.cluster.store.by_uid(ref.get("uid", ""))
            if owner is not None and owner[1]["metadata"].get("deletionTimestamp"):
                self.finish_deletion(*owner)
        group, plural = group_resource
        crd = self.cluster.store.get(CRDS, "", f"{plural}.{group}") if group else None
        if crd is not None and crd["metadata"].get("deletionTimestamp"):
            self.finish_crd(crd)

    def finish_deletion(self, group_resource: GroupResource, obj: dict) -> None:
        finalizers = list(obj["metadata"].get("finalizers") or [])
        uid = obj["metadata"].get("uid")
        if "orphan" in finalizers:
            for dep_resource, dependent in self.dependents(uid):
                updated = copy.deepcopy(dependent)
                updated["metadata"]["ownerReferences"] = [
                    ref for ref in updated["metadata"]["ownerReferences"] if ref.get("uid") != uid
                ]
                self.write(dep_resource, updated)
            self.remove_finalizer(group_resource, obj, "orphan")
            return
        if "foregroundDeletion" in finalizers:
            for dep_resource, dependent in self.dependents(uid):
                if not dependent["metadata"].get("deletionTimestamp"):
                    self.delete_object(dep_resource, dependent, "Foreground")
            if not self.dependents(uid):
                self.remove_finalizer(group_resource, obj, "foregroundDeletion")
            return
        if group_resource == ("", "namespaces"):
            self.terminate_namespace(obj)
        elif group_resource == CRDS and CRD_CLEANUP_FINALIZER in finalizers:
            self.finish_crd(obj)

    def remove_finalizer(self, group_resource: GroupResource, obj: dict, finalizer: str) -> None:
        updated = copy.deepcopy(obj)
        updated["metadata"]["finalizers"] = [
            f for f in obj["metadata"].get("finalizers") or [] if f != finalizer
        ]
        self.write(group_resource, updated)

    # --- custom resource definitions
    def finish_crd(self, crd: dict) -> None:
        """Delete the CRD's objects (each honouring its own finalizers); once none is left, let it go."""
        spec = crd.get("spec") or {}
        group_resource = (spec.get("group", ""), (spec.get("names") or {}).get("plural", ""))
        remaining = self.cluster.store.list(group_resource)
        for obj in remaining:
            if not obj["metadata"].get("deletionTimestamp"):
                self.delete_object(group_resource, obj)
        if not self.cluster.store.list(group_resource):
            self.remove_finalizer(CRDS, crd, CRD_CLEANUP_FINALIZER)

    # --- namespaces
    def terminate_namespace(self, namespace: dict) -> None:
        name = namespace["metadata"]["name"]
        remaining = [
            (group_resource, obj)
            for group_resource, obj in self.all_objects()
            if obj["metadata"].get("namespace") == name
        ]
        for group_resource, obj in remaining:
            if not obj["metadata"].get("deletionTimestamp"):
                self.delete_object(group_resource, obj)
        if any(obj["metadata"].get("namespace") == name for _, obj in self.all_objects()):
            self.set_namespace_conditions(namespace)
            return
        if (namespace.get("spec") or {}).get("finalizers"):
            updated = copy.deepcopy(namespace)
            updated["spec"]["finalizers"] = []
            self.write(("", "namespaces"), updated)

    def set_namespace_conditions(self, namespace: dict) -> None:
        status = namespace.get("status") or {}
        if any(c.get("type") == "NamespaceContentRemaining" for c in status.get("conditions") or []):
            return
        self.set_status(
            ("", "namespaces"),
            namespace,
            {
                **status,
                "conditions": [
                    {
                        "type": "NamespaceContentRemaining",
                        "status": "True",
                        "reason": "SomeResourcesRemain",
                        "message": "Some resources are remaining",
                        "lastTransitionTime": now(),
                    }
                ],
            },
        )

    def namespace_defaults(self, namespace: dict) -> None:
        """What each namespace gets from the serviceaccount and root-ca-cert-publisher controllers."""
        name = namespace["metadata"]["name"]
        options = WriteOptions(field_manager=CONTROLLER)
        self.ensure(self.type("", "serviceaccounts"), name, {"metadata": {"name": "default"}}, options)
        self.ensure(
            self.type("", "configmaps"),
            name,
            {
                "metadata": {
                    "name": ROOT_CA_CONFIGMAP,
                    "annotations": {"kubernetes.io/description": ROOT_CA_DESCRIPTION},
                },
                "data": {"ca.crt": self.ca_pem},
            },
            options,
        )


ROOT_CA_DESCRIPTION = (
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such "
    "as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions "
    "of Kubernetes clusters."
)
