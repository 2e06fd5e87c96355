"""Server-side apply conflicts as a real apiserver reports them: only where the values differ."""

from __future__ import annotations

import json

import pytest

MANIFESTS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 1
  selector:
    matchLabels: {{app: app}}
  template:
    metadata:
      labels: {{app: app}}
    spec:
      containers:
        - name: app
          image: {image}
          ports: [{{containerPort: 8080}}]
---
apiVersion: v1
kind: Service
metadata:
  name: app
spec:
  selector: {{app: app}}
  ports: [{{port: 80, targetPort: 8080}}]
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: app
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: app
              image: {image}
              ports: [{{containerPort: 8080}}]
"""


def manifests(image: str = "public.ecr.aws/docker/library/busybox:1.36") -> str:
    return MANIFESTS.format(image=image)


def test_server_side_apply_after_client_side_apply_of_the_same_file_succeeds(kubectl, namespace):
    kubectl("apply", "-n", namespace, "-f", "-", stdin=manifests())

    result = kubectl("apply", "--server-side", "-n", namespace, "-f", "-", stdin=manifests())

    assert "deployment.apps/app serverside-applied" in result.stdout
    assert "service/app serverside-applied" in result.stdout
    assert "cronjob.batch/app serverside-applied" in result.stdout


def test_two_managers_applying_identical_files_share_the_fields(kubectl, namespace):
    apply = ("apply", "--server-side", "-n", namespace, "-f", "-")
    kubectl(*apply, "--field-manager=first", stdin=manifests())
    kubectl(*apply, "--field-manager=second", stdin=manifests())

    deployment = json.loads(
        kubectl("get", "deployment", "app", "-n", namespace, "-o", "json", "--show-managed-fields").stdout
    )
    owners = {
        entry["manager"]
        for entry in deployment["metadata"]["managedFields"]
        if "f:image" in json.dumps(entry.get("fieldsV1", {}))
    }
    assert owners == {"first", "second"}


def test_a_different_value_conflicts_with_its_owner_and_force_takes_it(kubectl, namespace):
    apply = ("apply", "--server-side", "-n", namespace, "-f", "-")
    kubectl(*apply, "--field-manager=first", stdin=manifests())

    refused = kubectl(*apply, "--field-manager=second", stdin=manifests("busybox:1.37"), check=False)
    forced = kubectl(*apply, "--field-manager=second", "--force-conflicts", stdin=manifests("busybox:1.37"))

    assert refused.returncode != 0
    assert 'conflict with "first"' in refused.stderr
    assert '.spec.template.spec.containers[name="app"].image' in refused.stderr
    assert "serverside-applied" in forced.stdout


@pytest.mark.parametrize("kind", ["deployment", "service"])
def test_kubernetes_core_server_side_apply_after_kubectl_apply(kubectl, ansible, namespace, kind):
    kubectl("apply", "-n", namespace, "-f", "-", stdin=manifests())
    definition = json.loads(kubectl("get", kind, "app", "-n", namespace, "-o", "json").stdout)
    applied = {
        "apiVersion": definition["apiVersion"],
        "kind": definition["kind"],
        "metadata": {"name": "app"},
        "spec": {"selector": definition["spec"]["selector"]},
    }
    if kind == "service":
        applied["spec"]["ports"] = [{"port": 80, "targetPort": 8080}]

    run = ansible("k8s_apply.yml", ns=namespace, definition=applied)

    assert run.returncode == 0, run.report
    assert run.stats["failures"] == 0
