"""What an EKS cluster holds before anyone touches it: the namespaces, the `kubernetes` Service, the gp2
StorageClass, the system-* PriorityClasses, the default add-ons in kube-system (coredns, aws-node,
kube-proxy) and the nodes of a managed node group. Seeded objects are only added when missing, so a
restarted emulator keeps what users changed.
"""

from __future__ import annotations

from sandbox.kube.api import WriteOptions, now
from sandbox.kube.control import REGION, ControllerBase, stable_hash

NODES = [
    ("ip-10-0-1-23.ec2.internal", "10.0.1.23", "us-east-1a", "use1-az1", "i-0a1b2c3d4e5f60001"),
    ("ip-10-0-2-45.ec2.internal", "10.0.2.45", "us-east-1b", "use1-az2", "i-0a1b2c3d4e5f60002"),
]
NODEGROUP = "ecommerce-demo-nodes"
ADDON_REGISTRY = "602401143452.dkr.ecr.us-east-1.amazonaws.com"
PRIORITY_CLASSES = (
    (
        "system-cluster-critical",
        2000000000,
        "Used for system critical pods that must run in the cluster, but can be moved to another node "
        "if necessary.",
    ),
    (
        "system-node-critical",
        2000001000,
        "Used for system critical pods that must not be moved from their current node.",
    ),
)


def _workload(name: str, labels: dict, pod_spec: dict, replicas: int | None = None) -> dict:
    spec: dict = {
        "selector": {"matchLabels": {"k8s-app": labels["k8s-app"]}},
        "template": {"metadata": {"labels": labels}, "spec": pod_spec},
    }
    if replicas is not None:
        spec["replicas"] = replicas
    return {"metadata": {"name": name, "labels": labels}, "spec": spec}


class EksSeed(ControllerBase):
    def seed(self) -> None:
        """The objects an EKS cluster has before anyone touches it (only added when missing)."""
        options = WriteOptions(field_manager="kube-apiserver")
        namespaces = self.type("", "namespaces")
        for name in ("default", "kube-system", "kube-public", "kube-node-lease"):
            self.ensure(namespaces, "", {"metadata": {"name": name}}, options)
        self.ensure(
            self.type("", "services"),
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
        self.ensure(
            self.type("storage.k8s.io", "storageclasses"),
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
        for name, value, description in PRIORITY_CLASSES:
            self.ensure(
                self.type("scheduling.k8s.io", "priorityclasses"),
                "",
                {
                    "metadata": {"name": name},
                    "value": value,
                    "globalDefault": False,
                    "description": description,
                    "preemptionPolicy": "PreemptLowerPriority",
                },
                options,
            )
        self._kube_system()
        for name, address, zone, zone_id, instance in NODES:
            self.ensure(
                self.type("", "nodes"),
                "",
                self._node(name, address, zone, zone_id, instance),
                WriteOptions(field_manager="kubelet"),
            )

    def _kube_system(self) -> None:
        """The default EKS add-ons: CoreDNS (Deployment and the kube-dns Service), the VPC CNI (aws-node)
        and kube-proxy (DaemonSets), with their ServiceAccounts."""
        options = WriteOptions(field_manager="eks")
        for account in ("coredns", "aws-node", "kube-proxy"):
            self.ensure(
                self.type("", "serviceaccounts"), "kube-system", {"metadata": {"name": account}}, options
            )
        self.ensure(
            self.type("", "services"),
            "kube-system",
            {
                "metadata": {
                    "name": "kube-dns",
                    "labels": {
                        "eks.amazonaws.com/component": "kube-dns",
                        "k8s-app": "kube-dns",
                        "kubernetes.io/cluster-service": "true",
                        "kubernetes.io/name": "CoreDNS",
                    },
                    "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"},
                },
                "spec": {
                    "selector": {"k8s-app": "kube-dns"},
                    "clusterIP": "172.20.0.10",
                    "ports": [
                        {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                        {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                        {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153},
                    ],
                },
            },
            options,
        )
        self.ensure(
            self.type("apps", "deployments"),
            "kube-system",
            _workload(
                "coredns",
                {"k8s-app": "kube-dns", "eks.amazonaws.com/component": "coredns"},
                {
                    "serviceAccountName": "coredns",
                    "priorityClassName": "system-cluster-critical",
                    "containers": [
                        {
                            "name": "coredns",
                            "image": f"{ADDON_REGISTRY}/eks/coredns:v1.11.4-eksbuild.2",
                            "args": ["-conf", "/etc/coredns/Corefile"],
                            "ports": [
                                {"name": "dns", "containerPort": 53, "protocol": "UDP"},
                                {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
                                {"name": "metrics", "containerPort": 9153, "protocol": "TCP"},
                            ],
                            "resources": {
                                "limits": {"memory": "170Mi"},
                                "requests": {"cpu": "100m", "memory": "70Mi"},
                            },
                        }
                    ],
                },
                replicas=2,
            ),
            options,
        )
        for name, image, requests in (
            ("aws-node", f"{ADDON_REGISTRY}/amazon-k8s-cni:v1.19.2-eksbuild.1", {"cpu": "25m"}),
            ("kube-proxy", f"{ADDON_REGISTRY}/eks/kube-proxy:v1.32.0-minimal-eksbuild.2", {"cpu": "100m"}),
        ):
            self.ensure(
                self.type("apps", "daemonsets"),
                "kube-system",
                _workload(
                    name,
                    {"k8s-app": name},
                    {
                        "serviceAccountName": name,
                        "priorityClassName": "system-node-critical",
                        "hostNetwork": True,
                        "tolerations": [{"operator": "Exists"}],
                        "containers": [{"name": name, "image": image, "resources": {"requests": requests}}],
                    },
                ),
                options,
            )

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
                    "bootID": stable_hash(name, length=32),
                    "containerRuntimeVersion": "containerd://1.7.27",
                    "kernelVersion": "6.1.141-155.222.amzn2023.x86_64",
                    "kubeProxyVersion": "v1.32.9-eks-113cf36",
                    "kubeletVersion": "v1.32.9-eks-113cf36",
                    "machineID": stable_hash(name, "machine", length=32),
                    "operatingSystem": "linux",
                    "osImage": "Amazon Linux 2023.8.20250818",
                    "systemUUID": stable_hash(name, "uuid", length=32),
                },
            },
        }
