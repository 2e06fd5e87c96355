"""Stand-ins for what kube-controller-manager, the kubelet and the AWS Load Balancer Controller would do.

Two kinds of loop react to store events:
- lifecycle (always on, because without it deletes never finish): owner-reference garbage collection,
  foreground/orphan deletion, namespace termination, each namespace's default ServiceAccount;
- workloads (off with --no-controllers, so that waits can be seen to time out): ready status for
  Deployments (through a ReplicaSet, as Helm checks), StatefulSets, DaemonSets, Jobs, Pods and PVCs, and
  `*.elb.amazonaws.com` hostnames for LoadBalancer Services and `alb` Ingresses.
Nothing runs: no containers, no scheduling, no probes. Status says what a healthy cluster would say.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import json
import logging

from sandbox.kube.api import Cluster, DeleteOptions, WriteOptions, now
from sandbox.kube.errors import ApiError
from sandbox.kube.resources import ResourceType
from sandbox.kube.storage import Event

log = logging.getLogger(__name__)

CONTROLLER = "kube-controller-manager"
REGION = "us-east-1"
NODES = [
    ("ip-10-0-1-23.ec2.internal", "10.0.1.23", "us-east-1a", "use1-az1", "i-0a1b2c3d4e5f60001"),
    ("ip-10-0-2-45.ec2.internal", "10.0.2.45", "us-east-1b", "use1-az2", "i-0a1b2c3d4e5f60002"),
]
NODEGROUP = "ecommerce-demo-nodes"


def _hash(*parts: object, length: int = 10) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:length]


def elb_hostname(namespace: str, name: str) -> str:
    """The shape of hostname the AWS Load Balancer Controller gives: k8s-<ns>-<name>-<hash>."""
    return f"k8s-{namespace[:8]}-{name[:8]}-{_hash(namespace, name)}.{REGION}.elb.amazonaws.com"


def _condition(kind: str, status: str, reason: str, message: str) -> dict:
    timestamp = now()
    return {
        "type": kind,
        "status": status,
        "lastUpdateTime": timestamp,
        "lastTransitionTime": timestamp,
        "reason": reason,
        "message": message,
    }


class Controllers:
    def __init__(self, cluster: Cluster, *, workloads: bool) -> None:
        self.cluster = cluster
        self.workloads = workloads
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._task: asyncio.Task | None = None
        cluster.store.add_listener(self._queue.put_nowait)

    def _type(self, group: str, plural: str) -> ResourceType:
        resource_type = self.cluster.registry.preferred(group, plural)
        assert resource_type is not None
        return resource_type

    # --- seeding
    def seed(self) -> None:
        """The objects an EKS cluster has before anyone touches it (only added when missing)."""
        options = WriteOptions(field_manager="kube-apiserver")
        namespaces = self._type("", "namespaces")
        for name in ("default", "kube-system", "kube-public", "kube-node-lease"):
            self._ensure(namespaces, "", {"metadata": {"name": name}}, options)
        self._ensure(
            self._type("", "services"),
            "default",
            {
                "metadata": {
                    "name": "kubernetes",
                    "labels": {"component": "apiserver", "provider": "kubernetes"},
                },
                "spec": {
                    "ports": [{"name": "https", "port": 443, "targetPort": 443}],
                    "clusterIP": "172.20.0.1",
                },
            },
            options,
        )
        self._ensure(
            self._type("storage.k8s.io", "storageclasses"),
            "",
            {
                "metadata": {"name": "gp2"},
                "provisioner": "kubernetes.io/aws-ebs",
                "parameters": {"fsType": "ext4", "type": "gp2"},
                "reclaimPolicy": "Delete",
                "volumeBindingMode": "WaitForFirstConsumer",
            },
            options,
        )
        for name, address, zone, zone_id, instance in NODES:
            self._ensure(
                self._type("", "nodes"),
                "",
                self._node(name, address, zone, zone_id, instance),
                WriteOptions(field_manager="kubelet"),
            )

    def _ensure(self, resource_type: ResourceType, namespace: str, body: dict, options: WriteOptions) -> None:
        try:
            self.cluster.get(resource_type, namespace, body["metadata"]["name"])
        except ApiError:
            self.cluster.create(resource_type, namespace, body, options)

    @staticmethod
    def _node(name: str, address: str, zone: str, zone_id: str, instance: str) -> dict:
        labels = {
            "beta.kubernetes.io/arch": "amd64",
            "beta.kubernetes.io/instance-type": "t3.medium",
            "beta.kubernetes.io/os": "linux",
            "eks.amazonaws.com/capacityType": "ON_DEMAND",
            "eks.amazonaws.com/nodegroup": NODEGROUP,
            "eks.amazonaws.com/nodegroup-image": "ami-0c5f1b2e4a6d8e901",
            "failure-domain.beta.kubernetes.io/region": REGION,
            "failure-domain.beta.kubernetes.io/zone": zone,
            "k8s.io/cloud-provider-aws": "sandbox",
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": name,
            "kubernetes.io/os": "linux",
            "node.kubernetes.io/instance-type": "t3.medium",
            "topology.k8s.aws/zone-id": zone_id,
            "topology.kubernetes.io/region": REGION,
            "topology.kubernetes.io/zone": zone,
        }
        timestamp = now()
        conditions = [
            {
                "type": kind,
                "status": "False",
                "reason": reason,
                "message": message,
                "lastHeartbeatTime": timestamp,
                "lastTransitionTime": timestamp,
            }
            for kind, reason, message in (
                ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            )
        ]
        conditions.append(
            {
                "type": "Ready",
                "status": "True",
                "reason": "KubeletReady",
                "message": "kubelet is posting ready status",
                "lastHeartbeatTime": timestamp,
                "lastTransitionTime": timestamp,
            }
        )
        return {
            "metadata": {
                "name": name,
                "labels": labels,
                "annotations": {"alpha.kubernetes.io/provided-node-ip": address},
            },
            "spec": {"providerID": f"aws:///{zone}/{instance}"},
            "status": {
                "addresses": [
                    {"type": "InternalIP", "address": address},
                    {"type": "InternalDNS", "address": name},
                    {"type": "Hostname", "address": name},
                ],
                "allocatable": {
                    "cpu": "1930m",
                    "ephemeral-storage": "18242267924",
                    "hugepages-1Gi": "0",
                    "hugepages-2Mi": "0",
                    "memory": "3388356Ki",
                    "pods": "17",
                },
                "capacity": {
                    "cpu": "2",
                    "ephemeral-storage": "20959212Ki",
                    "hugepages-1Gi": "0",
                    "hugepages-2Mi": "0",
                    "memory": "3943364Ki",
                    "pods": "17",
                },
                "conditions": conditions,
                "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                "nodeInfo": {
                    "architecture": "amd64",
                    "bootID": _hash(name, length=32),
                    "containerRuntimeVersion": "containerd://1.7.27",
                    "kernelVersion": "6.1.141-155.222.amzn2023.x86_64",
                    "kubeProxyVersion": "v1.32.9-eks-113cf36",
                    "kubeletVersion": "v1.32.9-eks-113cf36",
                    "machineID": _hash(name, "machine", length=32),
                    "operatingSystem": "linux",
                    "osImage": "Amazon Linux 2023.8.20250818",
                    "systemUUID": _hash(name, "uuid", length=32),
                },
            },
        }

    # --- the loop
    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())
        for group_resource in self.cluster.store.group_resources():
            for obj in self.cluster.store.list(group_resource):
                self._queue.put_nowait(Event("MODIFIED", group_resource, obj, 0))

    async def stop(self) -> None:
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
        group, plural = event.group_resource
        obj = event.obj
        if event.type == "DELETED":
            self._collect_dependents(obj["metadata"].get("uid"))
            self._requeue_waiting_on(obj)
            return
        current = self.cluster.store.get(
            event.group_resource, obj["metadata"].get("namespace", ""), obj["metadata"]["name"]
        )
        if current is None:
            return
        if current["metadata"].get("deletionTimestamp"):
            self._finish_deletion(event.group_resource, current)
            return
        if (group, plural) == ("", "namespaces"):
            self._namespace_defaults(current)
        if self.workloads:
            self._workload(group, plural, current)

    # --- lifecycle
    def _all_objects(self):
        for group_resource in self.cluster.store.group_resources():
            for obj in self.cluster.store.list(group_resource):
                yield group_resource, obj

    def _dependents(self, uid: str) -> list[tuple[tuple[str, str], dict]]:
        return [
            (group_resource, obj)
            for group_resource, obj in self._all_objects()
            if any(ref.get("uid") == uid for ref in obj["metadata"].get("ownerReferences") or [])
        ]

    def _delete_object(self, group_resource: tuple[str, str], obj: dict, policy: str | None = None) -> None:
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

    def _collect_dependents(self, uid: str | None) -> None:
        """Background deletion: dependents whose owners are all gone go too."""
        if not uid:
            return
        live_uids = {obj["metadata"].get("uid") for _, obj in self._all_objects()}
        for group_resource, dependent in self._dependents(uid):
            owners = dependent["metadata"].get("ownerReferences") or []
            if all(ref.get("uid") not in live_uids for ref in owners):
                self._delete_object(group_resource, dependent)

    def _requeue_waiting_on(self, gone: dict) -> None:
        """A deletion may be what a terminating namespace or a foreground-deleting owner waited for."""
        namespace = gone["metadata"].get("namespace")
        if namespace:
            ns = self.cluster.store.get(("", "namespaces"), "", namespace)
            if ns is not None and ns["metadata"].get("deletionTimestamp"):
                self._terminate_namespace(ns)
        owner_uids = {ref.get("uid") for ref in gone["metadata"].get("ownerReferences") or []}
        if owner_uids:
            for group_resource, owner in list(self._all_objects()):
                if owner["metadata"].get("uid") in owner_uids and owner["metadata"].get("deletionTimestamp"):
                    self._finish_deletion(group_resource, owner)

    def _write(self, group_resource: tuple[str, str], obj: dict) -> None:
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

    def _finish_deletion(self, group_resource: tuple[str, str], obj: dict) -> None:
        finalizers = list(obj["metadata"].get("finalizers") or [])
        uid = obj["metadata"].get("uid")
        if "orphan" in finalizers:
            for dep_resource, dependent in self._dependents(uid):
                updated = copy.deepcopy(dependent)
                updated["metadata"]["ownerReferences"] = [
                    ref for ref in updated["metadata"]["ownerReferences"] if ref.get("uid") != uid
                ]
                self._write(dep_resource, updated)
            self._remove_finalizer(group_resource, obj, "orphan")
            return
        if "foregroundDeletion" in finalizers:
            dependents = self._dependents(uid)
            for dep_resource, dependent in dependents:
                if not dependent["metadata"].get("deletionTimestamp"):
                    self._delete_object(dep_resource, dependent, "Foreground")
            if not self._dependents(uid):
                self._remove_finalizer(group_resource, obj, "foregroundDeletion")
            return
        if group_resource == ("", "namespaces"):
            self._terminate_namespace(obj)

    def _remove_finalizer(self, group_resource: tuple[str, str], obj: dict, finalizer: str) -> None:
        updated = copy.deepcopy(obj)
        updated["metadata"]["finalizers"] = [
            f for f in obj["metadata"].get("finalizers") or [] if f != finalizer
        ]
        self._write(group_resource, updated)

    def _terminate_namespace(self, namespace: dict) -> None:
        name = namespace["metadata"]["name"]
        remaining = [
            (group_resource, obj)
            for group_resource, obj in self._all_objects()
            if obj["metadata"].get("namespace") == name
        ]
        for group_resource, obj in remaining:
            if not obj["metadata"].get("deletionTimestamp"):
                self._delete_object(group_resource, obj)
        if any(obj["metadata"].get("namespace") == name for _, obj in self._all_objects()):
            self._set_namespace_conditions(namespace)
            return
        if (namespace.get("spec") or {}).get("finalizers"):
            updated = copy.deepcopy(namespace)
            updated["spec"]["finalizers"] = []
            self._write(("", "namespaces"), updated)

    def _set_namespace_conditions(self, namespace: dict) -> None:
        status = namespace.get("status") or {}
        if any(c.get("type") == "NamespaceContentRemaining" for c in status.get("conditions") or []):
            return
        updated = copy.deepcopy(namespace)
        updated.setdefault("status", {})["conditions"] = [
            {
                "type": "NamespaceContentRemaining",
                "status": "True",
                "reason": "SomeResourcesRemain",
                "message": "Some resources are remaining",
                "lastTransitionTime": now(),
            }
        ]
        resource_type = self._type("", "namespaces")
        self.cluster.update(
            resource_type,
            "",
            namespace["metadata"]["name"],
            updated,
            WriteOptions(field_manager="kube-controller-manager"),
            subresource="status",
        )

    def _namespace_defaults(self, namespace: dict) -> None:
        name = namespace["metadata"]["name"]
        options = WriteOptions(field_manager=CONTROLLER)
        self._ensure(self._type("", "serviceaccounts"), name, {"metadata": {"name": "default"}}, options)

    # --- workloads
    def _set_status(self, plural_group: tuple[str, str], obj: dict, status: dict) -> None:
        if obj.get("status") == status:
            return
        resource_type = self._type(*plural_group)
        updated = {**obj, "status": status}
        self.cluster.update(
            resource_type,
            obj["metadata"].get("namespace", ""),
            obj["metadata"]["name"],
            updated,
            WriteOptions(field_manager=CONTROLLER),
            subresource="status",
        )

    def _workload(self, group: str, plural: str, obj: dict) -> None:
        handler = {
            ("apps", "deployments"): self._deployment,
            ("apps", "replicasets"): self._replicaset,
            ("apps", "statefulsets"): self._statefulset,
            ("apps", "daemonsets"): self._daemonset,
            ("batch", "jobs"): self._job,
            ("", "pods"): self._pod,
            ("", "services"): self._service,
            ("", "persistentvolumeclaims"): self._pvc,
            ("networking.k8s.io", "ingresses"): self._ingress,
        }.get((group, plural))
        if handler:
            handler(obj)

    def _deployment(self, deployment: dict) -> None:
        spec = deployment.get("spec") or {}
        metadata = deployment["metadata"]
        namespace = metadata["namespace"]
        template = copy.deepcopy(spec.get("template") or {})
        template_hash = _hash(template, length=10)
        template.setdefault("metadata", {}).setdefault("labels", {})["pod-template-hash"] = template_hash
        replicas = spec.get("replicas", 1)
        rs_type = self._type("apps", "replicasets")
        rs_name = f"{metadata['name']}-{template_hash}"
        owner = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": metadata["name"],
            "uid": metadata["uid"],
            "controller": True,
            "blockOwnerDeletion": True,
        }
        selector = copy.deepcopy(spec.get("selector") or {})
        selector.setdefault("matchLabels", {})["pod-template-hash"] = template_hash
        revision = str(
            1
            + max(
                (
                    int(
                        (rs["metadata"].get("annotations") or {}).get(
                            "deployment.kubernetes.io/revision", "0"
                        )
                    )
                    for rs in self._owned(("apps", "replicasets"), namespace, metadata["uid"])
                ),
                default=0,
            )
        )
        wanted = {
            "metadata": {
                "name": rs_name,
                "namespace": namespace,
                "labels": {**(template["metadata"].get("labels") or {})},
                "annotations": {
                    "deployment.kubernetes.io/desired-replicas": str(replicas),
                    "deployment.kubernetes.io/max-replicas": str(replicas + 1),
                    "deployment.kubernetes.io/revision": revision,
                },
                "ownerReferences": [owner],
            },
            "spec": {
                "replicas": replicas,
                "selector": selector,
                "template": template,
                "minReadySeconds": spec.get("minReadySeconds", 0),
            },
        }
        options = WriteOptions(field_manager=CONTROLLER)
        existing = self.cluster.store.get(("apps", "replicasets"), namespace, rs_name)
        if existing is None:
            self.cluster.create(rs_type, namespace, wanted, options)
        elif (existing.get("spec") or {}).get("replicas") != replicas:
            updated = copy.deepcopy(existing)
            updated["spec"]["replicas"] = replicas
            updated["metadata"].setdefault("annotations", {})["deployment.kubernetes.io/desired-replicas"] = (
                str(replicas)
            )
            self.cluster.update(rs_type, namespace, rs_name, updated, options)
        for old in self._owned(("apps", "replicasets"), namespace, metadata["uid"]):
            if old["metadata"]["name"] != rs_name and (old.get("spec") or {}).get("replicas", 0) != 0:
                scaled = copy.deepcopy(old)
                scaled["spec"]["replicas"] = 0
                self.cluster.update(rs_type, namespace, old["metadata"]["name"], scaled, options)
        paused = spec.get("paused", False)
        conditions = [
            _condition(
                "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."
            ),
            _condition(
                "Progressing",
                "True",
                "NewReplicaSetAvailable",
                f'ReplicaSet "{rs_name}" has successfully progressed.',
            ),
        ]
        previous = {c["type"]: c for c in (deployment.get("status") or {}).get("conditions") or []}
        conditions = [
            previous.get(c["type"]) if previous.get(c["type"], {}).get("reason") == c["reason"] else c
            for c in conditions
        ]
        status = {
            "observedGeneration": metadata.get("generation", 1),
            "replicas": replicas,
            "updatedReplicas": replicas,
            "readyReplicas": replicas,
            "availableReplicas": replicas,
            "conditions": conditions,
        }
        if replicas == 0:
            for key in ("readyReplicas", "availableReplicas", "updatedReplicas", "replicas"):
                status.pop(key)
        if not paused:
            self._set_status(("apps", "deployments"), deployment, status)

    def _owned(self, group_resource: tuple[str, str], namespace: str, uid: str) -> list[dict]:
        return [
            obj
            for obj in self.cluster.store.list(group_resource, namespace)
            if any(
                ref.get("uid") == uid and ref.get("controller")
                for ref in obj["metadata"].get("ownerReferences") or []
            )
        ]

    # --- pods of workloads
    def _sync_pods(self, owner: dict, owner_kind: str, wanted: list[dict]) -> None:
        """Make the pods `owner` controls match `wanted` (name or generateName, labels, nodeName).

        Pods whose `controller-revision-hash` label no longer matches are replaced, as a rollout would.
        """
        metadata = owner["metadata"]
        namespace = metadata["namespace"]
        pods_type = self._type("", "pods")
        template = copy.deepcopy((owner.get("spec") or {}).get("template") or {})
        revision = _hash(template, length=10)
        current = [
            pod
            for pod in self._owned(("", "pods"), namespace, metadata["uid"])
            if not pod["metadata"].get("deletionTimestamp")
        ]
        kept = []
        for pod in current:
            if (pod["metadata"].get("labels") or {}).get("controller-revision-hash", revision) != revision:
                self._delete_object(("", "pods"), pod)
            else:
                kept.append(pod)
        owner_reference = {
            "apiVersion": f"{owner['apiVersion']}",
            "kind": owner_kind,
            "name": metadata["name"],
            "uid": metadata["uid"],
            "controller": True,
            "blockOwnerDeletion": True,
        }
        by_name = {pod["metadata"]["name"]: pod for pod in kept}
        unnamed = [pod for pod in kept if pod["metadata"]["name"] not in {w.get("name") for w in wanted}]
        options = WriteOptions(field_manager=CONTROLLER)
        for slot in wanted:
            if slot.get("name") in by_name:
                continue
            if not slot.get("name") and unnamed:
                unnamed.pop()
                continue
            labels = {**((template.get("metadata") or {}).get("labels") or {}), **slot.get("labels", {})}
            labels["controller-revision-hash"] = revision
            pod_metadata = {
                "labels": labels,
                "ownerReferences": [owner_reference],
                "annotations": (template.get("metadata") or {}).get("annotations") or {},
            }
            if slot.get("name"):
                pod_metadata["name"] = slot["name"]
            else:
                pod_metadata["generateName"] = f"{metadata['name']}-"
            spec = copy.deepcopy(template.get("spec") or {})
            if slot.get("nodeName"):
                spec["nodeName"] = slot["nodeName"]
            self.cluster.create(pods_type, namespace, {"metadata": pod_metadata, "spec": spec}, options)
        for extra in unnamed:
            self._delete_object(("", "pods"), extra)
        wanted_names = {w["name"] for w in wanted if w.get("name")}
        if wanted_names:
            for name, pod in by_name.items():
                if name not in wanted_names:
                    self._delete_object(("", "pods"), pod)

    def _replicaset(self, replicaset: dict) -> None:
        replicas = (replicaset.get("spec") or {}).get("replicas", 1)
        self._sync_pods(replicaset, "ReplicaSet", [{} for _ in range(replicas)])
        status = {
            "replicas": replicas,
            "fullyLabeledReplicas": replicas,
            "readyReplicas": replicas,
            "availableReplicas": replicas,
            "observedGeneration": replicaset["metadata"].get("generation", 1),
        }
        if replicas == 0:
            status = {"replicas": 0, "observedGeneration": replicaset["metadata"].get("generation", 1)}
        self._set_status(("apps", "replicasets"), replicaset, status)

    def _statefulset(self, statefulset: dict) -> None:
        spec = statefulset.get("spec") or {}
        replicas = spec.get("replicas", 1)
        name = statefulset["metadata"]["name"]
        self._sync_pods(
            statefulset,
            "StatefulSet",
            [
                {
                    "name": f"{name}-{ordinal}",
                    "labels": {
                        "statefulset.kubernetes.io/pod-name": f"{name}-{ordinal}",
                        "apps.kubernetes.io/pod-index": str(ordinal),
                    },
                }
                for ordinal in range(replicas)
            ],
        )
        revision = f"{statefulset['metadata']['name']}-{_hash(spec.get('template'), length=10)}"
        status = {
            "observedGeneration": statefulset["metadata"].get("generation", 1),
            "replicas": replicas,
            "readyReplicas": replicas,
            "currentReplicas": replicas,
            "updatedReplicas": replicas,
            "availableReplicas": replicas,
            "currentRevision": revision,
            "updateRevision": revision,
            "collisionCount": 0,
        }
        self._set_status(("apps", "statefulsets"), statefulset, status)

    def _daemonset(self, daemonset: dict) -> None:
        node_names = [node["metadata"]["name"] for node in self.cluster.store.list(("", "nodes"))]
        self._sync_pods(daemonset, "DaemonSet", [{"nodeName": node} for node in node_names])
        nodes = len(node_names)
        status = {
            "observedGeneration": daemonset["metadata"].get("generation", 1),
            "currentNumberScheduled": nodes,
            "desiredNumberScheduled": nodes,
            "numberAvailable": nodes,
            "numberMisscheduled": 0,
            "numberReady": nodes,
            "updatedNumberScheduled": nodes,
        }
        self._set_status(("apps", "daemonsets"), daemonset, status)

    def _job(self, job: dict) -> None:
        spec = job.get("spec") or {}
        if spec.get("suspend"):
            return
        status = copy.deepcopy(job.get("status") or {})
        if any(c.get("type") == "Complete" for c in status.get("conditions") or []):
            return
        completions = spec.get("completions", 1)
        self._sync_pods(job, "Job", [{} for _ in range(completions)])
        timestamp = now()
        status.update(
            {
                "startTime": status.get("startTime", timestamp),
                "completionTime": timestamp,
                "succeeded": completions,
                "ready": 0,
                "terminating": 0,
                "uncountedTerminatedPods": {},
                "conditions": [
                    {
                        "type": "SuccessCriteriaMet",
                        "status": "True",
                        "reason": "CompletionsReached",
                        "message": "Reached expected number of succeeded pods",
                        "lastProbeTime": timestamp,
                        "lastTransitionTime": timestamp,
                    },
                    {
                        "type": "Complete",
                        "status": "True",
                        "reason": "CompletionsReached",
                        "message": "Reached expected number of succeeded pods",
                        "lastProbeTime": timestamp,
                        "lastTransitionTime": timestamp,
                    },
                ],
            }
        )
        self._set_status(("batch", "jobs"), job, status)

    def _pod(self, pod: dict) -> None:
        spec = pod.get("spec") or {}
        status = pod.get("status") or {}
        if status.get("phase") in ("Succeeded", "Running"):
            return
        node = NODES[int(_hash(pod["metadata"]["name"], length=2), 16) % len(NODES)]
        if not spec.get("nodeName"):
            bound = copy.deepcopy(pod)
            bound["spec"]["nodeName"] = node[0]
            self._write(("", "pods"), bound)
            return
        runs_to_completion = spec.get("restartPolicy") in ("Never", "OnFailure")
        timestamp = now()
        containers = []
        for container in spec.get("containers") or []:
            state = (
                {
                    "terminated": {
                        "exitCode": 0,
                        "reason": "Completed",
                        "startedAt": timestamp,
                        "finishedAt": timestamp,
                        "containerID": f"containerd://{_hash(container, length=64)}",
                    }
                }
                if runs_to_completion
                else {"running": {"startedAt": timestamp}}
            )
            containers.append(
                {
                    "name": container.get("name"),
                    "image": container.get("image"),
                    "imageID": "",
                    "ready": not runs_to_completion,
                    "restartCount": 0,
                    "started": not runs_to_completion,
                    "state": state,
                }
            )
        ready = "False" if runs_to_completion else "True"
        conditions = [
            {"type": kind, "status": value, "lastProbeTime": None, "lastTransitionTime": timestamp}
            for kind, value in (
                ("PodReadyToStartContainers", "True"),
                ("Initialized", "True"),
                ("Ready", ready),
                ("ContainersReady", ready),
                ("PodScheduled", "True"),
            )
        ]
        octet = int(_hash(pod["metadata"]["uid"], length=2), 16)
        self._set_status(
            ("", "pods"),
            pod,
            {
                "phase": "Succeeded" if runs_to_completion else "Running",
                "conditions": conditions,
                "hostIP": next(n[1] for n in NODES if n[0] == spec["nodeName"])
                if spec["nodeName"] in [n[0] for n in NODES]
                else node[1],
                "podIP": f"10.0.{1 + octet % 2}.{100 + octet % 150}",
                "startTime": timestamp,
                "qosClass": "BestEffort",
                "containerStatuses": containers,
            },
        )

    def _service(self, service: dict) -> None:
        if (service.get("spec") or {}).get("type") != "LoadBalancer":
            return
        metadata = service["metadata"]
        status = copy.deepcopy(service.get("status") or {})
        status["loadBalancer"] = {
            "ingress": [{"hostname": elb_hostname(metadata["namespace"], metadata["name"])}]
        }
        self._set_status(("", "services"), service, status)

    def _ingress(self, ingress: dict) -> None:
        spec = ingress.get("spec") or {}
        annotations = ingress["metadata"].get("annotations") or {}
        if spec.get("ingressClassName", annotations.get("kubernetes.io/ingress.class")) != "alb":
            return
        # Ingresses of one IngressGroup share a load balancer, hence a hostname.
        group = annotations.get("alb.ingress.kubernetes.io/group.name")
        hostname = (
            elb_hostname(group, "ingress")
            if group
            else elb_hostname(ingress["metadata"]["namespace"], ingress["metadata"]["name"])
        )
        self._set_status(
            ("networking.k8s.io", "ingresses"),
            ingress,
            {"loadBalancer": {"ingress": [{"hostname": hostname}]}},
        )

    def _pvc(self, claim: dict) -> None:
        status = claim.get("status") or {}
        if status.get("phase") == "Bound":
            return
        spec = claim.get("spec") or {}
        if not spec.get("volumeName"):
            bound = copy.deepcopy(claim)
            bound["spec"]["volumeName"] = f"pvc-{claim['metadata']['uid']}"
            bound["spec"].setdefault("storageClassName", "gp2")
            self._write(("", "persistentvolumeclaims"), bound)
            return
        storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage", "1Gi")
        self._set_status(
            ("", "persistentvolumeclaims"),
            claim,
            {
                "phase": "Bound",
                "accessModes": spec.get("accessModes", ["ReadWriteOnce"]),
                "capacity": {"storage": storage},
            },
        )
