"""What kubectl shows on a fresh EKS cluster: the kube-system add-ons, kube-root-ca.crt in each namespace, the
system-* PriorityClasses, and the wide columns of kubectl get."""

from __future__ import annotations

import json

import pytest


def test_kube_system_runs_coredns_aws_node_and_kube_proxy(kubectl):
    kubectl("rollout", "status", "deployment/coredns", "-n", "kube-system", "--timeout=60s")
    for daemonset in ("aws-node", "kube-proxy"):
        kubectl("rollout", "status", f"daemonset/{daemonset}", "-n", "kube-system", "--timeout=60s")
    service = json.loads(kubectl("get", "service", "kube-dns", "-n", "kube-system", "-o", "json").stdout)
    coredns = json.loads(
        kubectl("get", "pods", "-n", "kube-system", "-l", "k8s-app=kube-dns", "-o", "json").stdout
    )

    assert service["spec"]["clusterIP"] == "172.20.0.10"
    assert coredns["items"]
    assert {pod["spec"]["priority"] for pod in coredns["items"]} == {2000000000}


def test_every_namespace_gets_kube_root_ca(kubectl, namespace):
    kubectl("wait", "--for=create", "configmap/kube-root-ca.crt", "-n", namespace, "--timeout=30s")
    config_map = json.loads(
        kubectl("get", "configmap", "kube-root-ca.crt", "-n", namespace, "-o", "json").stdout
    )

    assert config_map["data"]["ca.crt"].startswith("-----BEGIN CERTIFICATE-----")


def test_system_priority_classes_exist(kubectl):
    classes = json.loads(kubectl("get", "priorityclasses", "-o", "json").stdout)["items"]

    values = {item["metadata"]["name"]: item["value"] for item in classes}
    assert values["system-cluster-critical"] == 2000000000
    assert values["system-node-critical"] == 2000001000


WIDE = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "public.ecr.aws/nginx/nginx:1.27"}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: tick}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec: {restartPolicy: Never, containers: [{name: tick, image: "busybox:1.36"}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 4
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress]}
"""


@pytest.mark.parametrize(
    ("kind", "headers"),
    [
        (
            "deployment",
            ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        (
            "cronjob",
            ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE", "CONTAINERS"],
        ),
        ("hpa", ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"]),
        ("pdb", ["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"]),
        ("networkpolicy", ["NAME", "POD-SELECTOR", "AGE"]),
        ("serviceaccount", ["NAME", "SECRETS", "AGE"]),
    ],
)
def test_wide_output_has_the_columns_kubectl_shows(kubectl, namespace, kind, headers):
    kubectl("apply", "-n", namespace, "-f", "-", stdin=WIDE)

    output = kubectl("get", kind, "-n", namespace, "-o", "wide").stdout
    header_line = output.splitlines()[0]

    for header in headers:
        assert header in header_line
    if kind == "deployment":
        assert "app=web" in output
        assert "public.ecr.aws/nginx/nginx:1.27" in output
    if kind == "networkpolicy":
        assert "app=web" in output
