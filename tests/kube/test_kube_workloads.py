"""Workload controllers as upstream: ReplicaSets replace lost pods, status counts what exists, evictions
respect PodDisruptionBudgets, pods land on the live Node objects."""

from __future__ import annotations

import ipaddress
import json

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: public.ecr.aws/nginx/nginx:1.27
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 2
  selector:
    matchLabels: {app: web}
"""


def pods(kubectl, namespace: str) -> list[dict]:
    return json.loads(kubectl("get", "pods", "-n", namespace, "-l", "app=web", "-o", "json").stdout)["items"]


def rolled_out(kubectl, namespace: str) -> None:
    kubectl("rollout", "status", "deployment/web", "-n", namespace, "--timeout=60s")
    kubectl("wait", "--for=condition=Ready", "pod", "-l", "app=web", "-n", namespace, "--timeout=60s")


def test_deleted_pods_of_a_replicaset_are_replaced(kubectl, namespace):
    kubectl("apply", "-n", namespace, "-f", "-", stdin=DEPLOYMENT)
    rolled_out(kubectl, namespace)
    before = {pod["metadata"]["name"] for pod in pods(kubectl, namespace)}

    kubectl("delete", "pods", "-n", namespace, "-l", "app=web", "--wait=false")
    rolled_out(kubectl, namespace)
    after = [pod for pod in pods(kubectl, namespace) if not pod["metadata"].get("deletionTimestamp")]
    deployment = json.loads(kubectl("get", "deployment", "web", "-n", namespace, "-o", "json").stdout)

    assert len(after) == 2
    assert not before & {pod["metadata"]["name"] for pod in after}
    assert deployment["status"]["availableReplicas"] == 2


def test_deployment_status_counts_the_pods_that_exist(kubectl, namespace, core_v1):
    kubectl("apply", "-n", namespace, "-f", "-", stdin=DEPLOYMENT.split("---")[0])
    rolled_out(kubectl, namespace)
    # Take the pods' readiness away as a failing probe would; the Deployment must stop claiming them.
    for pod in pods(kubectl, namespace):
        status = pod["status"]
        status["conditions"] = [
            {**c, "status": "False"} if c["type"] in ("Ready", "ContainersReady") else c
            for c in status["conditions"]
        ]
        core_v1.replace_namespaced_pod_status(pod["metadata"]["name"], namespace, pod)

    result = kubectl(
        "wait",
        "--for=condition=Available=False",
        "deployment/web",
        "-n",
        namespace,
        "--timeout=30s",
    )
    deployment = json.loads(kubectl("get", "deployment", "web", "-n", namespace, "-o", "json").stdout)

    assert "condition met" in result.stdout
    assert deployment["status"].get("availableReplicas", 0) == 0
    assert deployment["status"]["unavailableReplicas"] == 2


def test_eviction_honours_the_pod_disruption_budget(kubectl, namespace, core_v1):
    kubectl("apply", "-n", namespace, "-f", "-", stdin=DEPLOYMENT)
    rolled_out(kubectl, namespace)
    name = pods(kubectl, namespace)[0]["metadata"]["name"]
    eviction = client.V1Eviction(metadata=client.V1ObjectMeta(name=name, namespace=namespace))

    with pytest.raises(ApiException) as refused:
        core_v1.create_namespaced_pod_eviction(name, namespace, eviction)
    kubectl("patch", "pdb", "web", "-n", namespace, "--type=merge", "-p", '{"spec":{"minAvailable":1}}')
    core_v1.create_namespaced_pod_eviction(name, namespace, eviction)
    budget = json.loads(kubectl("get", "pdb", "web", "-n", namespace, "-o", "json").stdout)

    assert refused.value.status == 429
    assert "disruption budget" in json.loads(refused.value.body)["message"]
    assert budget["status"]["expectedPods"] >= 1
    assert budget["status"]["desiredHealthy"] == 1


def test_pods_are_scheduled_on_live_nodes_with_an_ip_of_the_node_subnet(kubectl, namespace):
    kubectl("apply", "-n", namespace, "-f", "-", stdin=DEPLOYMENT.split("---")[0])
    rolled_out(kubectl, namespace)
    nodes = {
        node["metadata"]["name"]: next(
            a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP"
        )
        for node in json.loads(kubectl("get", "nodes", "-o", "json").stdout)["items"]
    }

    for pod in pods(kubectl, namespace):
        host_ip = nodes[pod["spec"]["nodeName"]]
        assert pod["status"]["hostIP"] == host_ip
        assert ipaddress.ip_address(pod["status"]["podIP"]) in ipaddress.ip_network(
            f"{host_ip}/24", strict=False
        )
        assert pod["status"]["podIP"] != host_ip


def test_a_node_registered_through_the_api_takes_pods(core_v1, kubectl, namespace):
    """As a kubelet of an EKS node group registers: create the Node, status included, then schedule on it."""
    node_name = f"ip-10-0-3-17-{namespace[-6:]}.ec2.internal"
    node = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": node_name, "labels": {"conformance/pool": namespace}},
        "status": {
            "addresses": [{"type": "InternalIP", "address": "10.0.3.17"}],
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "ready"}],
        },
    }
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "pinned"},
        "spec": {
            "nodeSelector": {"conformance/pool": namespace},
            "containers": [{"name": "app", "image": "public.ecr.aws/nginx/nginx:1.27"}],
        },
    }
    core_v1.create_node(node)
    try:
        core_v1.create_namespaced_pod(namespace, pod)
        kubectl("wait", "--for=condition=Ready", "pod/pinned", "-n", namespace, "--timeout=60s")
        placed = core_v1.read_namespaced_pod("pinned", namespace)
        listed = {n.metadata.name for n in core_v1.list_node().items}
    finally:
        core_v1.delete_node(node_name)

    assert node_name in listed
    assert placed.spec.node_name == node_name
    assert placed.status.host_ip == "10.0.3.17"
    assert ipaddress.ip_address(placed.status.pod_ip) in ipaddress.ip_network("10.0.3.0/24")


def test_kubectl_drain_evicts_within_the_budget_and_pods_move(kubectl, namespace):
    kubectl(
        "apply", "-n", namespace, "-f", "-", stdin=DEPLOYMENT.replace("minAvailable: 2", "minAvailable: 1")
    )
    rolled_out(kubectl, namespace)
    node = pods(kubectl, namespace)[0]["spec"]["nodeName"]
    try:
        drained = kubectl("drain", node, "--ignore-daemonsets", "--pod-selector=app=web")
        rolled_out(kubectl, namespace)
        placed = [
            pod["spec"]["nodeName"]
            for pod in pods(kubectl, namespace)
            if not pod["metadata"].get("deletionTimestamp")
        ]
    finally:
        kubectl("uncordon", node)

    assert "evicted" in drained.stdout
    assert len(placed) == 2
    assert node not in placed
