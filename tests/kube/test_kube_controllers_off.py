"""With --no-controllers nothing becomes ready, so waits must time out with an error that says so."""

from __future__ import annotations

import pytest
from kube_clients import Ansible, Cli, pinned_tool, unique_name
from kubernetes import client, config

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: stuck
spec:
  replicas: 1
  selector:
    matchLabels: {app.kubernetes.io/name: stuck}
  template:
    metadata:
      labels: {app.kubernetes.io/name: stuck}
    spec:
      containers:
        - name: web
          image: public.ecr.aws/nginx/nginx:1.27
"""


@pytest.fixture
def idle_namespace(request, emulator_without_controllers):
    name = unique_name(request)
    with config.new_client_from_config(config_file=str(emulator_without_controllers.kubeconfig)) as api:
        client.CoreV1Api(api).create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
        yield name
        client.CoreV1Api(api).delete_namespace(name)


def test_rollout_status_times_out_without_controllers(emulator_without_controllers, idle_namespace):
    kubectl = Cli(pinned_tool("kubectl"), emulator_without_controllers.kubeconfig)
    kubectl("apply", "-n", idle_namespace, "-f", "-", stdin=DEPLOYMENT)

    rollout = kubectl(
        "rollout", "status", "deployment/stuck", "-n", idle_namespace, "--timeout=3s", check=False
    )

    assert rollout.returncode == 1
    assert "timed out waiting for the condition" in rollout.stderr


def test_k8s_wait_times_out_without_controllers(emulator_without_controllers, idle_namespace):
    ansible = Ansible(emulator_without_controllers.kubeconfig)

    run = ansible("wait_timeout.yml", ns=idle_namespace, object_name="stuck")

    assert run.returncode != 0
    result = run.task("Apply a Deployment and wait for it")
    assert result["failed"] is True
    assert result["msg"] == '"Deployment" "stuck": Timed out waiting on resource'
