"""EKS in moto, backed by the Kubernetes API emulator: the sandbox's clusters have a real API server.

Installed into the moto process by `python -m sandbox.aws serve --kube-state-dir DIR` (the emulator's
state directory, where it keeps its kubeconfig and serving certificate):

- a cluster created in moto gets the emulator's URL as its endpoint and the emulator's CA as its
  certificate authority, so a kubeconfig built from DescribeCluster (as `aws eks update-kubeconfig`
  or the eks role builds it) reaches the emulator;
- when a node group is created, scaled, upgraded or deleted, the emulator's Nodes are made to match
  every node group moto holds, through the emulator's HTTP API as kubelets register: one Node per
  desired instance, named `ip-10-0-x-y.ec2.internal` from an address inside the node group's subnets
  (spread over them in order), with the instance type, zone, node group and kubelet version labels
  EKS sets. Nodes labelled with an EKS node group that moto does not hold are deleted, so the
  emulator's seeded nodes give way to the sandbox cluster's own.

The emulator is a separate process: a failed call is reported on moto's log and never fails the AWS
request (real EKS does not fail a CreateNodegroup because a kubelet has not registered yet).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import ipaddress
import json
import logging
import ssl
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import yaml

LOG = logging.getLogger("sandbox.eks_bridge")
NODEGROUP_LABEL = "eks.amazonaws.com/nodegroup"
KERNEL = "6.1.141-155.222.amzn2023.x86_64"
# Allocatable and capacity by instance type; other types get t3.medium's figures.
SHAPES = {
    "t3.small": ("2", "1930m", "1936092Ki", "1414716Ki", "11"),
    "t3.medium": ("2", "1930m", "3943364Ki", "3388356Ki", "17"),
    "t3.large": ("2", "1930m", "8044012Ki", "7249964Ki", "35"),
    "m5.large": ("2", "1930m", "7934440Ki", "7140392Ki", "29"),
}


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


class Emulator:
    """The emulator's HTTP API as a kubelet uses it, found through its state directory at call time."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir

    @property
    def ca_path(self) -> Path:
        return self.state_dir / "apiserver.crt"

    def server(self) -> str:
        kubeconfig = yaml.safe_load((self.state_dir / "kubeconfig").read_text())
        return kubeconfig["clusters"][0]["cluster"]["server"]

    def ca_data(self) -> str | None:
        return base64.b64encode(self.ca_path.read_bytes()).decode() if self.ca_path.exists() else None

    def request(
        self, method: str, path: str, body: dict | None = None, content_type: str = "application/json"
    ):
        context = ssl.create_default_context(cafile=str(self.ca_path)) if self.ca_path.exists() else None
        headers = {"Accept": "application/json"}
        token_file = self.state_dir / "token"
        if token_file.exists():
            headers["Authorization"] = "Bearer " + token_file.read_text().strip()
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.server() + path, data=data, method=method, headers=headers)  # noqa: S310
        with urllib.request.urlopen(request, timeout=10, context=context) as response:  # noqa: S310
            return json.loads(response.read() or b"{}")


def _subnet(ec2: Any, subnet_id: str) -> tuple[ipaddress.IPv4Network, str, str]:
    subnet = ec2.get_subnet(subnet_id)
    zone = subnet.availability_zone
    zone_id = getattr(subnet, "availability_zone_id", None) or f"use1-az{ord(zone[-1]) - ord('a') + 1}"
    return ipaddress.IPv4Network(subnet.cidr_block), zone, zone_id


def desired_nodes(nodegroup: Any, cluster_version: str, ec2: Any, region: str) -> dict[str, dict]:
    """The Nodes the kubelets of a node group would register, by name."""
    desired = nodegroup.scaling_config.get("desiredSize", 0)
    subnets = [_subnet(ec2, subnet_id) for subnet_id in nodegroup.subnets] or []
    instance_type = (nodegroup.instance_types or ["t3.medium"])[0]
    nodes: dict[str, dict] = {}
    for index in range(desired):
        if not subnets:
            break
        network, zone, zone_id = subnets[index % len(subnets)]
        hosts = network.num_addresses - 5  # AWS reserves the first four and the last address
        offset = 4 + int(_digest(nodegroup.arn, index), 16) % max(hosts, 1)
        address = str(network.network_address + offset)
        while f"ip-{address.replace('.', '-')}.ec2.internal" in nodes:
            offset = 4 + (offset - 3) % max(hosts, 1)
            address = str(network.network_address + offset)
        name = f"ip-{address.replace('.', '-')}.ec2.internal"
        instance_id = "i-0" + _digest(nodegroup.arn, index)[:16]
        nodes[name] = node_object(
            name, address, zone, zone_id, region, instance_id, instance_type, nodegroup, cluster_version
        )
    return nodes


def node_object(
    name: str,
    address: str,
    zone: str,
    zone_id: str,
    region: str,
    instance_id: str,
    instance_type: str,
    nodegroup: Any,
    cluster_version: str,
) -> dict:
    version = nodegroup.version or cluster_version
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/instance-type": instance_type,
        "beta.kubernetes.io/os": "linux",
        "eks.amazonaws.com/capacityType": nodegroup.capacity_type or "ON_DEMAND",
        NODEGROUP_LABEL: nodegroup.nodegroup_name,
        "eks.amazonaws.com/nodegroup-image": "ami-" + _digest(nodegroup.ami_type, version)[:17],
        "failure-domain.beta.kubernetes.io/region": region,
        "failure-domain.beta.kubernetes.io/zone": zone,
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "node.kubernetes.io/instance-type": instance_type,
        "topology.k8s.aws/zone-id": zone_id,
        "topology.kubernetes.io/region": region,
        "topology.kubernetes.io/zone": zone,
        **(nodegroup.labels or {}),
    }
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": labels,
            "annotations": {"alpha.kubernetes.io/provided-node-ip": address},
        },
        "spec": {"providerID": f"aws:///{zone}/{instance_id}"},
    }


def node_status(node: dict, version: str) -> dict:
    name = node["metadata"]["name"]
    address = node["metadata"]["annotations"]["alpha.kubernetes.io/provided-node-ip"]
    cpu, allocatable_cpu, memory, allocatable_memory, pods = SHAPES.get(
        node["metadata"]["labels"]["node.kubernetes.io/instance-type"], SHAPES["t3.medium"]
    )
    import datetime

    timestamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    conditions = [
        {
            "type": kind,
            "status": status,
            "reason": reason,
            "message": message,
            "lastHeartbeatTime": timestamp,
            "lastTransitionTime": timestamp,
        }
        for kind, status, reason, message in (
            (
                "MemoryPressure",
                "False",
                "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available",
            ),
            ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
        )
    ]
    resources = {"ephemeral-storage": "20959212Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "pods": pods}
    return {
        "status": {
            "addresses": [
                {"type": "InternalIP", "address": address},
                {"type": "InternalDNS", "address": name},
                {"type": "Hostname", "address": name},
            ],
            "capacity": {**resources, "cpu": cpu, "memory": memory},
            "allocatable": {**resources, "cpu": allocatable_cpu, "memory": allocatable_memory},
            "conditions": conditions,
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": _digest(name, "boot")[:32],
                "containerRuntimeVersion": "containerd://1.7.27",
                "kernelVersion": KERNEL,
                "kubeProxyVersion": f"v{version}.0-eks",
                "kubeletVersion": f"v{version}.0-eks",
                "machineID": _digest(name, "machine")[:32],
                "operatingSystem": "linux",
                "osImage": "Amazon Linux 2023.7.20250609",
                "systemUUID": _digest(name, "uuid")[:32],
            },
        }
    }


class Bridge:
    def __init__(self, state_dir: Path) -> None:
        self.emulator = Emulator(state_dir)
        self.lock = threading.Lock()

    def desired(self, backend: Any) -> dict[str, dict]:
        from moto.ec2.models import ec2_backends

        ec2 = ec2_backends[backend.account_id][backend.region_name]
        nodes: dict[str, dict] = {}
        for cluster in backend.clusters.values():
            if cluster.status == "DELETING":
                continue
            for nodegroup in cluster.nodegroups.values():
                if nodegroup.status != "DELETING":
                    nodes.update(desired_nodes(nodegroup, cluster.version, ec2, backend.region_name))
        return nodes

    def sync(self, backend: Any) -> None:
        """Make the emulator's EKS Nodes those of moto's node groups (all clusters of this region)."""
        with self.lock:
            try:
                self._sync(backend)
            except (OSError, ValueError, KeyError, urllib.error.URLError) as exc:
                print(f"sandbox eks bridge: could not update the emulator's nodes: {exc}", file=sys.stderr)

    def _sync(self, backend: Any) -> None:
        desired = self.desired(backend)
        existing = {
            node["metadata"]["name"]: node
            for node in self.emulator.request("GET", "/api/v1/nodes")["items"]
            if NODEGROUP_LABEL in node["metadata"].get("labels", {})
        }
        for name in sorted(set(existing) - set(desired)):
            self.emulator.request("DELETE", f"/api/v1/nodes/{name}")
        for name, node in sorted(desired.items()):
            version = node["metadata"]["labels"]
            kubelet = node_status(node, _version_of(node, backend))
            have = existing.get(name)
            if have is None:
                self.emulator.request("POST", "/api/v1/nodes", node)
            elif have["metadata"].get("labels") != version:
                self.emulator.request(
                    "PATCH",
                    f"/api/v1/nodes/{name}",
                    {"metadata": {"labels": node["metadata"]["labels"]}},
                    "application/merge-patch+json",
                )
            current_kubelet = ((have or {}).get("status") or {}).get("nodeInfo", {}).get("kubeletVersion")
            if have is None or current_kubelet != kubelet["status"]["nodeInfo"]["kubeletVersion"]:
                self.emulator.request(
                    "PATCH", f"/api/v1/nodes/{name}/status", kubelet, "application/merge-patch+json"
                )


def _version_of(node: dict, backend: Any) -> str:
    group = node["metadata"]["labels"][NODEGROUP_LABEL]
    for cluster in backend.clusters.values():
        if group in cluster.nodegroups:
            return cluster.nodegroups[group].version or cluster.version
    return "1.32"


def install(state_dir: Path) -> Bridge:
    """Wrap moto's EKS backend so clusters point at the emulator and node groups register Nodes."""
    from moto.eks.models import EKSBackend

    bridge = Bridge(state_dir)

    original_create_cluster = EKSBackend.create_cluster

    @functools.wraps(original_create_cluster)
    def create_cluster(self: Any, *args: Any, **kwargs: Any) -> Any:
        cluster = original_create_cluster(self, *args, **kwargs)
        try:
            cluster.endpoint = bridge.emulator.server()
            ca_data = bridge.emulator.ca_data()
            if ca_data:
                cluster.certificate_authority = {"data": ca_data}
        except (OSError, ValueError, KeyError) as exc:
            print(
                f"sandbox eks bridge: the emulator is not up ({exc}); endpoint left as moto's",
                file=sys.stderr,
            )
        return cluster

    EKSBackend.create_cluster = create_cluster

    for operation in (
        "create_nodegroup",
        "update_nodegroup_config",
        "update_nodegroup_version",
        "delete_nodegroup",
        "delete_cluster",
    ):
        original = getattr(EKSBackend, operation, None)
        if original is None:
            continue

        def wrapper(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            result = __original(self, *args, **kwargs)
            bridge.sync(self)
            return result

        setattr(EKSBackend, operation, functools.wraps(original)(wrapper))
    return bridge
