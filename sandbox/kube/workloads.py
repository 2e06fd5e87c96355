"""Workload reconcilers: what the deployment, replicaset, statefulset, daemonset, job and disruption
controllers, the scheduler, the kubelet, the EBS CSI driver and the AWS Load Balancer Controller would do.

Status is computed from the objects below it, as upstream: a ReplicaSet counts its live, ready Pods (and
replaces those that are deleted or evicted), a Deployment adds up its ReplicaSets, a budget counts the
healthy Pods it selects. Pods are scheduled onto the live Node objects (whoever registered them: the seeded
EKS nodes, or kubelets of a node group); a Pod's IP lies in its node's subnet. Nothing runs: every scheduled
container is reported started (and, with restartPolicy Never/OnFailure, completed).
"""

from __future__ import annotations

import copy
import ipaddress

from sandbox.kube import disruption
from sandbox.kube.api import WriteOptions, now
from sandbox.kube.control import CONTROLLER, REGION, ControllerBase, condition, stable_hash
from sandbox.kube.defaults import qos_class

PODS = ("", "pods")
NODES = ("", "nodes")


def elb_hostname(namespace: str, name: str) -> str:
    """The shape of hostname the AWS Load Balancer Controller gives: k8s-<ns>-<name>-<hash>."""
    return f"k8s-{namespace[:8]}-{name[:8]}-{stable_hash(namespace, name)}.{REGION}.elb.amazonaws.com"


def node_is_schedulable(node: dict) -> bool:
    if (node.get("spec") or {}).get("unschedulable"):
        return False
    taints = (node.get("spec") or {}).get("taints") or []
    if any(t.get("effect") in ("NoSchedule", "NoExecute") for t in taints):
        return False
    conditions = (node.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def node_internal_ip(node: dict) -> str | None:
    for address in (node.get("status") or {}).get("addresses") or []:
        if address.get("type") == "InternalIP":
            return address.get("address")
    return None


def _max_unavailable(spec: dict, replicas: int) -> int:
    strategy = spec.get("strategy") or {}
    if strategy.get("type") == "Recreate":
        return 0
    value = (strategy.get("rollingUpdate") or {}).get("maxUnavailable", "25%")
    if isinstance(value, str) and value.endswith("%"):
        return int(value[:-1]) * replicas // 100
    return int(value)


def _keep_transitions(new: list[dict], previous: list[dict]) -> list[dict]:
    """A condition whose status and reason did not change keeps its timestamps."""
    before = {c.get("type"): c for c in previous or []}
    return [
        before[c["type"]]
        if before.get(c["type"], {}).get("status") == c["status"]
        and before[c["type"]].get("reason") == c["reason"]
        else c
        for c in new
    ]


def _without_zeros(status: dict) -> dict:
    """Go's omitempty: counters that are 0 are left out of the JSON."""
    return {k: v for k, v in status.items() if v != 0 or k == "observedGeneration"}


class Workloads(ControllerBase):
    def __init__(self, cluster, *, alb_hostnames: bool = True) -> None:
        super().__init__(cluster)
        self.alb_hostnames = alb_hostnames

    def reconcile(self, group_resource: tuple[str, str], obj: dict) -> None:
        handler = {
            ("apps", "deployments"): self.deployment,
            ("apps", "replicasets"): self.replicaset,
            ("apps", "statefulsets"): self.statefulset,
            ("apps", "daemonsets"): self.daemonset,
            ("batch", "jobs"): self.job,
            ("", "pods"): self.pod,
            ("", "services"): self.service,
            ("", "persistentvolumeclaims"): self.pvc,
            ("networking.k8s.io", "ingresses"): self.ingress,
            ("policy", "poddisruptionbudgets"): self.budget,
        }.get(group_resource)
        if handler:
            handler(obj)

    def dependents_to_requeue(self, group_resource: tuple[str, str], obj: dict) -> list:
        """Objects whose status depends on obj: budgets over a pod; DaemonSets and unscheduled pods when
        the set of nodes changes."""
        if group_resource == PODS:
            namespace = obj["metadata"].get("namespace", "")
            return [
                (("policy", "poddisruptionbudgets"), pdb)
                for pdb in self.cluster.store.list(("policy", "poddisruptionbudgets"), namespace)
            ]
        if group_resource == NODES:
            return [
                (("apps", "daemonsets"), ds) for ds in self.cluster.store.list(("apps", "daemonsets"))
            ] + [
                (PODS, pod)
                for pod in self.cluster.store.list(PODS)
                if not (pod.get("spec") or {}).get("nodeName")
            ]
        return []

    # --- Deployment -> ReplicaSet
    def deployment(self, deployment: dict) -> None:
        spec = deployment.get("spec") or {}
        metadata = deployment["metadata"]
        namespace = metadata["namespace"]
        template = copy.deepcopy(spec.get("template") or {})
        template_hash = stable_hash(template, length=10)
        template.setdefault("metadata", {}).setdefault("labels", {})["pod-template-hash"] = template_hash
        replicas = spec.get("replicas", 1)
        rs_type = self.type("apps", "replicasets")
        rs_name = f"{metadata['name']}-{template_hash}"
        owned = self.owned(("apps", "replicasets"), namespace, metadata["uid"])
        paused = spec.get("paused", False)
        options = WriteOptions(field_manager=CONTROLLER)
        if not paused:
            selector = copy.deepcopy(spec.get("selector") or {})
            selector.setdefault("matchLabels", {})["pod-template-hash"] = template_hash
            revision = str(
                1
                + max(
                    (
                        int(
                            (rs["metadata"].get("annotations") or {}).get(
                                "deployment.kubernetes.io/revision", 0
                            )
                        )
                        for rs in owned
                    ),
                    default=0,
                )
            )
            existing = self.cluster.store.get(("apps", "replicasets"), namespace, rs_name)
            if existing is None:
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
                        "ownerReferences": [
                            {
                                "apiVersion": "apps/v1",
                                "kind": "Deployment",
                                "name": metadata["name"],
                                "uid": metadata["uid"],
                                "controller": True,
                                "blockOwnerDeletion": True,
                            }
                        ],
                    },
                    "spec": {
                        "replicas": replicas,
                        "selector": selector,
                        "template": template,
                        "minReadySeconds": spec.get("minReadySeconds", 0),
                    },
                }
                self.cluster.create(rs_type, namespace, wanted, options)
            elif (existing.get("spec") or {}).get("replicas") != replicas:
                updated = copy.deepcopy(existing)
                updated["spec"]["replicas"] = replicas
                annotations = updated["metadata"].setdefault("annotations", {})
                annotations["deployment.kubernetes.io/desired-replicas"] = str(replicas)
                self.cluster.update(rs_type, namespace, rs_name, updated, options)
            for old in owned:
                if old["metadata"]["name"] != rs_name and (old.get("spec") or {}).get("replicas", 0) != 0:
                    scaled = copy.deepcopy(old)
                    scaled["spec"]["replicas"] = 0
                    self.cluster.update(rs_type, namespace, old["metadata"]["name"], scaled, options)
        self._deployment_status(deployment, rs_name)

    def _deployment_status(self, deployment: dict, rs_name: str) -> None:
        spec = deployment.get("spec") or {}
        metadata = deployment["metadata"]
        replicas = spec.get("replicas", 1)
        sets = self.owned(("apps", "replicasets"), metadata["namespace"], metadata["uid"])
        counts = {key: 0 for key in ("replicas", "readyReplicas", "availableReplicas")}
        updated = 0
        for rs in sets:
            rs_status = rs.get("status") or {}
            for key in counts:
                counts[key] += rs_status.get(key, 0)
            if rs["metadata"]["name"] == rs_name:
                updated = rs_status.get("replicas", 0)
        available = counts["availableReplicas"]
        if available >= replicas - _max_unavailable(spec, replicas):
            available_condition = condition(
                "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."
            )
        else:
            available_condition = condition(
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
            )
        if updated == replicas and available >= replicas and counts["replicas"] == updated:
            progressing = condition(
                "Progressing",
                "True",
                "NewReplicaSetAvailable",
                f'ReplicaSet "{rs_name}" has successfully progressed.',
            )
        else:
            progressing = condition(
                "Progressing", "True", "ReplicaSetUpdated", f'ReplicaSet "{rs_name}" is progressing.'
            )
        previous = (deployment.get("status") or {}).get("conditions") or []
        status = _without_zeros(
            {
                "observedGeneration": metadata.get("generation", 1),
                "replicas": counts["replicas"],
                "updatedReplicas": updated,
                "readyReplicas": counts["readyReplicas"],
                "availableReplicas": available,
                "unavailableReplicas": max(0, replicas - available),
            }
        )
        status["conditions"] = _keep_transitions([available_condition, progressing], previous)
        self.set_status(("apps", "deployments"), deployment, status)

    # --- ReplicaSet -> Pods
    def replicaset(self, replicaset: dict) -> None:
        """Keep spec.replicas live pods (replacing deleted or evicted ones); status counts them."""
        metadata = replicaset["metadata"]
        replicas = (replicaset.get("spec") or {}).get("replicas", 1)
        pods = self._live_pods(replicaset)
        for _ in range(replicas - len(pods)):
            self._create_pod(replicaset, "ReplicaSet", {})
        if len(pods) > replicas:
            # Upstream deletes the least useful first: not ready before ready, newest before oldest.
            ranked = sorted(
                pods,
                key=lambda p: (disruption.pod_is_healthy(p), p["metadata"].get("creationTimestamp", "")),
            )
            for pod in ranked[: len(pods) - replicas]:
                self.delete_object(PODS, pod)
        pods = self._live_pods(replicaset)
        ready = sum(1 for pod in pods if disruption.pod_is_healthy(pod))
        status = _without_zeros(
            {
                "replicas": len(pods),
                "fullyLabeledReplicas": len(pods),
                "readyReplicas": ready,
                "availableReplicas": ready,
                "observedGeneration": metadata.get("generation", 1),
            }
        )
        status["replicas"] = len(pods)
        self.set_status(("apps", "replicasets"), replicaset, status)

    def _live_pods(self, owner: dict) -> list[dict]:
        return [
            pod
            for pod in self.owned(PODS, owner["metadata"]["namespace"], owner["metadata"]["uid"])
            if not pod["metadata"].get("deletionTimestamp")
        ]

    def _create_pod(self, owner: dict, owner_kind: str, slot: dict, revision: str | None = None) -> None:
        metadata = owner["metadata"]
        template = (owner.get("spec") or {}).get("template") or {}
        labels = {**((template.get("metadata") or {}).get("labels") or {}), **slot.get("labels", {})}
        if revision:
            labels["controller-revision-hash"] = revision
        pod_metadata = {
            "labels": labels,
            "ownerReferences": [
                {
                    "apiVersion": owner["apiVersion"],
                    "kind": owner_kind,
                    "name": metadata["name"],
                    "uid": metadata["uid"],
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
            "annotations": (template.get("metadata") or {}).get("annotations") or {},
        }
        if slot.get("name"):
            pod_metadata["name"] = slot["name"]
        else:
            pod_metadata["generateName"] = f"{metadata['name']}-"
        spec = copy.deepcopy(template.get("spec") or {})
        if slot.get("nodeName"):
            spec["nodeName"] = slot["nodeName"]
        self.cluster.create(
            self.type(*PODS),
            metadata["namespace"],
            {"metadata": pod_metadata, "spec": spec},
            WriteOptions(field_manager=CONTROLLER),
        )

    def _sync_pods(self, owner: dict, owner_kind: str, wanted: list[dict]) -> list[dict]:
        """Make the pods `owner` controls match `wanted` (name or generateName, labels, nodeName); pods of
        an older template (`controller-revision-hash`) are replaced, as a rollout would. Returns the live
        pods.
        """
        template = (owner.get("spec") or {}).get("template") or {}
        revision = stable_hash(template, length=10)
        kept = []
        for pod in self._live_pods(owner):
            if (pod["metadata"].get("labels") or {}).get("controller-revision-hash", revision) != revision:
                self.delete_object(PODS, pod)
            else:
                kept.append(pod)
        by_name = {pod["metadata"]["name"]: pod for pod in kept}
        by_node = {(pod.get("spec") or {}).get("nodeName"): pod for pod in kept}
        wanted_names = {w["name"] for w in wanted if w.get("name")}
        unnamed = [pod for pod in kept if pod["metadata"]["name"] not in wanted_names]
        for slot in wanted:
            if slot.get("name") in by_name:
                continue
            if slot.get("nodeName"):
                if slot["nodeName"] in by_node:
                    unnamed.remove(by_node[slot["nodeName"]])
                    continue
            elif not slot.get("name") and unnamed:
                unnamed.pop()
                continue
            self._create_pod(owner, owner_kind, slot, revision)
        for extra in unnamed:
            self.delete_object(PODS, extra)
        if wanted_names:
            for name, pod in by_name.items():
                if name not in wanted_names:
                    self.delete_object(PODS, pod)
        return self._live_pods(owner)

    def statefulset(self, statefulset: dict) -> None:
        spec = statefulset.get("spec") or {}
        replicas = spec.get("replicas", 1)
        name = statefulset["metadata"]["name"]
        pods = self._sync_pods(
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
        ready = sum(1 for pod in pods if disruption.pod_is_healthy(pod))
        revision = f"{name}-{stable_hash(spec.get('template'), length=10)}"
        status = _without_zeros(
            {
                "observedGeneration": statefulset["metadata"].get("generation", 1),
                "replicas": len(pods),
                "readyReplicas": ready,
                "currentReplicas": len(pods),
                "updatedReplicas": len(pods),
                "availableReplicas": ready,
            }
        )
        status.update({"replicas": len(pods), "currentRevision": revision, "updateRevision": revision})
        status["collisionCount"] = 0
        self.set_status(("apps", "statefulsets"), statefulset, status)

    def daemonset(self, daemonset: dict) -> None:
        nodes = [n["metadata"]["name"] for n in self.cluster.store.list(NODES) if node_is_schedulable(n)]
        pods = self._sync_pods(daemonset, "DaemonSet", [{"nodeName": node} for node in nodes])
        ready = sum(1 for pod in pods if disruption.pod_is_healthy(pod))
        status = {
            "observedGeneration": daemonset["metadata"].get("generation", 1),
            "currentNumberScheduled": len(pods),
            "desiredNumberScheduled": len(nodes),
            "numberAvailable": ready,
            "numberMisscheduled": 0,
            "numberReady": ready,
            "updatedNumberScheduled": len(pods),
        }
        if len(nodes) - ready:
            status["numberUnavailable"] = len(nodes) - ready
        self.set_status(("apps", "daemonsets"), daemonset, status)

    def job(self, job: dict) -> None:
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
                        "type": kind,
                        "status": "True",
                        "reason": "CompletionsReached",
                        "message": "Reached expected number of succeeded pods",
                        "lastProbeTime": timestamp,
                        "lastTransitionTime": timestamp,
                    }
                    for kind in ("SuccessCriteriaMet", "Complete")
                ],
            }
        )
        self.set_status(("batch", "jobs"), job, status)

    # --- the scheduler and the kubelet
    def schedule(self, pod: dict) -> str | None:
        """The schedulable node with the fewest pods (ties: by name), honouring a nodeSelector."""
        wanted = (pod.get("spec") or {}).get("nodeSelector") or {}
        nodes = [
            node
            for node in self.cluster.store.list(NODES)
            if node_is_schedulable(node)
            and all((node["metadata"].get("labels") or {}).get(k) == v for k, v in wanted.items())
        ]
        if not nodes:
            return None
        load: dict[str, int] = {}
        for other in self.cluster.store.list(PODS):
            node_name = (other.get("spec") or {}).get("nodeName")
            if node_name:
                load[node_name] = load.get(node_name, 0) + 1
        return min(nodes, key=lambda n: (load.get(n["metadata"]["name"], 0), n["metadata"]["name"]))[
            "metadata"
        ]["name"]

    def pod_ip(self, pod: dict, host_ip: str) -> str:
        """An address of the node's subnet, as the VPC CNI gives (secondary IPs of the node's ENIs). The
        node's /24 lies inside any EKS subnet of /24 or larger; AWS reserves its first four and last."""
        subnet = ipaddress.ip_network(f"{host_ip}/24", strict=False)
        used = {host_ip} | {
            (other.get("status") or {}).get("podIP") for other in self.cluster.store.list(PODS)
        }
        start = int(stable_hash(pod["metadata"]["uid"], length=4), 16)
        for offset in range(250):
            candidate = str(subnet.network_address + 4 + (start + offset) % 250)
            if candidate not in used:
                return candidate
        return str(subnet.network_address + 4 + start % 250)

    def pod(self, pod: dict) -> None:
        spec = pod.get("spec") or {}
        status = pod.get("status") or {}
        if status.get("phase") in ("Succeeded", "Running", "Failed"):
            return
        if not spec.get("nodeName"):
            node_name = self.schedule(pod)
            if node_name is None:
                self._unschedulable(pod)
                return
            bound = copy.deepcopy(pod)
            bound["spec"]["nodeName"] = node_name
            self.write(PODS, bound)
            return
        node = self.cluster.store.get(NODES, "", spec["nodeName"])
        host_ip = node_internal_ip(node) if node else None
        if host_ip is None:
            return  # bound to a node that is not (or no longer) there: stays Pending, as upstream
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
                        "containerID": f"containerd://{stable_hash(container, length=64)}",
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
        pod_ip = self.pod_ip(pod, host_ip) if not spec.get("hostNetwork") else host_ip
        self.set_status(
            PODS,
            pod,
            {
                "phase": "Succeeded" if runs_to_completion else "Running",
                "conditions": conditions,
                "hostIP": host_ip,
                "hostIPs": [{"ip": host_ip}],
                "podIP": pod_ip,
                "podIPs": [{"ip": pod_ip}],
                "startTime": timestamp,
                "qosClass": qos_class(spec),
                "containerStatuses": containers,
            },
        )

    def _unschedulable(self, pod: dict) -> None:
        status = copy.deepcopy(pod.get("status") or {})
        if any(c.get("reason") == "Unschedulable" for c in status.get("conditions") or []):
            return
        nodes = len(self.cluster.store.list(NODES))
        status["phase"] = "Pending"
        status["conditions"] = [
            {
                "type": "PodScheduled",
                "status": "False",
                "lastProbeTime": None,
                "lastTransitionTime": now(),
                "reason": "Unschedulable",
                "message": f"0/{nodes} nodes are available: {nodes} node(s) didn't match Pod's node "
                f"affinity/selector or were not ready. preemption: 0/{nodes} nodes are available.",
            }
        ]
        self.set_status(PODS, pod, status)

    # --- disruption budgets
    def budget(self, pdb: dict) -> None:
        pods = self.cluster.store.list(PODS, pdb["metadata"]["namespace"])
        status = disruption.budget_status(pdb, pods)
        allowed = status["disruptionsAllowed"] > 0
        wanted = {
            "type": "DisruptionAllowed",
            "status": "True" if allowed else "False",
            "reason": "SufficientPods" if allowed else "InsufficientPods",
            "message": "",
            "observedGeneration": status["observedGeneration"],
            "lastTransitionTime": now(),
        }
        previous = (pdb.get("status") or {}).get("conditions") or []
        status["conditions"] = _keep_transitions([wanted], previous)
        self.set_status(("policy", "poddisruptionbudgets"), pdb, status)

    # --- load balancers and volumes
    def service(self, service: dict) -> None:
        if (service.get("spec") or {}).get("type") != "LoadBalancer":
            return
        metadata = service["metadata"]
        status = copy.deepcopy(service.get("status") or {})
        status["loadBalancer"] = {
            "ingress": [{"hostname": elb_hostname(metadata["namespace"], metadata["name"])}]
        }
        self.set_status(("", "services"), service, status)

    def ingress(self, ingress: dict) -> None:
        """Without the sandbox's AWS (the emulator alone): a hostname of the shape the controller gives.
        With it, load_balancer_controller.py makes the ALB and sets its DNSName."""
        if not self.alb_hostnames:
            return
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
        self.set_status(
            ("networking.k8s.io", "ingresses"),
            ingress,
            {"loadBalancer": {"ingress": [{"hostname": hostname}]}},
        )

    def pvc(self, claim: dict) -> None:
        status = claim.get("status") or {}
        if status.get("phase") == "Bound":
            return
        spec = claim.get("spec") or {}
        if not spec.get("volumeName"):
            bound = copy.deepcopy(claim)
            bound["spec"]["volumeName"] = f"pvc-{claim['metadata']['uid']}"
            bound["spec"].setdefault("storageClassName", "gp2")
            self.write(("", "persistentvolumeclaims"), bound)
            return
        storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage", "1Gi")
        self.set_status(
            ("", "persistentvolumeclaims"),
            claim,
            {
                "phase": "Bound",
                "accessModes": spec.get("accessModes", ["ReadWriteOnce"]),
                "capacity": {"storage": storage},
            },
        )
