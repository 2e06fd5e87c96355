"""kubectl 1.32 against the emulator: what the roles and a person debugging the sandbox run."""

from __future__ import annotations

import json

WORKLOAD = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  labels: {{app.kubernetes.io/part-of: conformance, tier: web}}
data:
  message: {message}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {{app.kubernetes.io/part-of: conformance, tier: web}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app.kubernetes.io/name: web}}
  template:
    metadata:
      labels: {{app.kubernetes.io/name: web}}
    spec:
      containers:
        - name: web
          image: public.ecr.aws/nginx/nginx:1.27
          ports: [{{containerPort: 80}}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {{app.kubernetes.io/name: web}}
  ports: [{{port: 80, targetPort: 80}}]
"""


def workload(message: str = "hello") -> str:
    return WORKLOAD.format(message=message)


def test_get_nodes_lists_two_ready_eks_nodes(kubectl):
    nodes = json.loads(kubectl("get", "nodes", "-o", "json").stdout)["items"]

    assert len(nodes) == 2
    for node in nodes:
        ready = {c["type"]: c["status"] for c in node["status"]["conditions"]}["Ready"]
        assert ready == "True"
        assert "eks.amazonaws.com/nodegroup" in node["metadata"]["labels"]


def test_apply_twice_reports_unchanged(kubectl, namespace):
    first = kubectl("apply", "-n", namespace, "-f", "-", stdin=workload()).stdout
    second = kubectl("apply", "-n", namespace, "-f", "-", stdin=workload()).stdout

    assert first.split("\n")[:3] == [
        "configmap/web-config created",
        "deployment.apps/web created",
        "service/web created",
    ]
    assert second.split("\n")[:3] == [
        "configmap/web-config unchanged",
        "deployment.apps/web unchanged",
        "service/web unchanged",
    ]


def test_apply_server_side_twice_keeps_resource_version(kubectl, namespace):
    apply = ("apply", "--server-side", "--field-manager=conformance", "-n", namespace, "-f", "-")
    kubectl(*apply, stdin=workload())
    before = kubectl(
        "get", "configmap", "web-config", "-n", namespace, "-o", "jsonpath={.metadata.resourceVersion}"
    )
    kubectl(*apply, stdin=workload())
    after = kubectl(
        "get", "configmap", "web-config", "-n", namespace, "-o", "jsonpath={.metadata.resourceVersion}"
    )

    assert before.stdout == after.stdout


def test_diff_is_empty_when_in_sync_and_shows_the_change_otherwise(kubectl, namespace):
    kubectl("apply", "-n", namespace, "-f", "-", stdin=workload())

    in_sync = kubectl("diff", "-n", namespace, "-f", "-", stdin=workload(), check=False)
    drifted = kubectl("diff", "-n", namespace, "-f", "-", stdin=workload("goodbye"), check=False)

    assert (in_sync.returncode, in_sync.stdout) == (0, "")
    assert drifted.returncode == 1, drifted.stderr
    assert "-  message: hello" in drifted.stdout
    assert "+  message: goodbye" in drifted.stdout
    unchanged = kubectl("get", "configmap", "web-config", "-n", namespace, "-o", "jsonpath={.data.message}")
    assert unchanged.stdout == "hello"  # diff is a server-side dry run: nothing may change


def test_rollout_status_and_wait_succeed_with_controllers(kubectl, namespace):
    kubectl("apply", "-n", namespace, "-f", "-", stdin=workload())

    rollout = kubectl("rollout", "status", "deployment/web", "-n", namespace, "--timeout=60s")
    available = kubectl(
        "wait", "deployment/web", "-n", namespace, "--for=condition=Available", "--timeout=60s"
    )
    replicas = kubectl(
        "wait", "deployment/web", "-n", namespace, "--for=jsonpath={.status.readyReplicas}=2", "--timeout=60s"
    )

    assert 'deployment "web" successfully rolled out' in rollout.stdout
    assert available.stdout.strip() == "deployment.apps/web condition met"
    assert replicas.stdout.strip() == "deployment.apps/web condition met"


def test_get_filters_by_label_and_field_selectors(kubectl, namespace):
    kubectl("apply", "-n", namespace, "-f", "-", stdin=workload())
    kubectl("create", "configmap", "other", "-n", namespace, "--from-literal=a=b")

    by_label = kubectl("get", "configmaps", "-n", namespace, "-l", "tier=web", "-o", "name")
    by_set = kubectl("get", "configmaps", "-n", namespace, "-l", "tier notin (web)", "-o", "name")
    by_field = kubectl(
        "get", "configmaps", "-n", namespace, "--field-selector", "metadata.name=other", "-o", "name"
    )

    assert by_label.stdout.split() == ["configmap/web-config"]
    assert "configmap/web-config" not in by_set.stdout.split()
    assert "configmap/other" in by_set.stdout.split()
    assert by_field.stdout.split() == ["configmap/other"]


def test_delete_removes_objects_and_get_answers_not_found(kubectl, namespace):
    kubectl("apply", "-n", namespace, "-f", "-", stdin=workload())

    deleted = kubectl("delete", "-n", namespace, "-f", "-", "--wait=true", stdin=workload())
    missing = kubectl("get", "deployment", "web", "-n", namespace, check=False)

    assert 'deployment.apps "web" deleted' in deleted.stdout
    assert missing.returncode == 1
    assert missing.stderr.strip() == 'Error from server (NotFound): deployments.apps "web" not found'


def test_api_resources_lists_the_builtin_groups_our_roles_use(kubectl):
    names = set(kubectl("api-resources", "-o", "name").stdout.split())

    assert {
        "configmaps",
        "namespaces",
        "nodes",
        "secrets",
        "serviceaccounts",
        "services",
        "deployments.apps",
        "statefulsets.apps",
        "jobs.batch",
        "ingresses.networking.k8s.io",
        "ingressclasses.networking.k8s.io",
        "customresourcedefinitions.apiextensions.k8s.io",
        "roles.rbac.authorization.k8s.io",
        "poddisruptionbudgets.policy",
        "horizontalpodautoscalers.autoscaling",
        "leases.coordination.k8s.io",
    } <= names
