"""TLS and the EKS-style exec-credential kubeconfig, as roles pointed at a real EKS cluster use them."""

from __future__ import annotations

import pytest
import yaml
from kube_clients import Ansible, Cli, pinned_tool
from kube_emulator import start_emulator
from kubernetes import client, config


@pytest.fixture(scope="module")
def tls_emulator(tmp_path_factory):
    running = start_emulator(tmp_path_factory.mktemp("kube-emulator-tls"), tls=True)
    try:
        yield running
    finally:
        running.stop()


def test_kubeconfig_verifies_the_server_certificate(tls_emulator):
    kubeconfig = yaml.safe_load(tls_emulator.kubeconfig.read_text())
    cluster = kubeconfig["clusters"][0]["cluster"]

    assert tls_emulator.url.startswith("https://127.0.0.1:")
    assert cluster["server"] == tls_emulator.url
    assert "certificate-authority-data" in cluster or "certificate-authority" in cluster
    assert not cluster.get("insecure-skip-tls-verify", False)


def test_kubectl_authenticates_with_the_exec_plugin(tls_emulator, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the plugin must not depend on being run from the repository
    kubectl = Cli(pinned_tool("kubectl"), tls_emulator.exec_kubeconfig)

    names = kubectl("get", "namespaces", "-o", "name").stdout.split()
    nodes = kubectl("get", "nodes", "-o", "name").stdout.split()

    assert {"namespace/default", "namespace/kube-system"} <= set(names)
    assert len(nodes) == 2


def test_python_client_and_kubernetes_core_use_the_exec_plugin(tls_emulator):
    with config.new_client_from_config(config_file=str(tls_emulator.exec_kubeconfig)) as api:
        nodes = client.CoreV1Api(api).list_node().items
    run = Ansible(tls_emulator.exec_kubeconfig)("k8s_present.yml", ns="default", object_name="over-tls")

    assert len(nodes) == 2
    assert run.returncode == 0, run.report
    assert run.stats["changed"] == 2


def test_a_wrong_token_is_401_unauthorized(tls_emulator, tmp_path):
    kubeconfig = yaml.safe_load(tls_emulator.kubeconfig.read_text())
    kubeconfig["users"][0]["user"] = {"token": "not-the-token"}
    forged = tmp_path / "kubeconfig"
    forged.write_text(yaml.safe_dump(kubeconfig))

    denied = Cli(pinned_tool("kubectl"), forged)("get", "namespaces", check=False)

    assert denied.returncode == 1
    assert "error: You must be logged in to the server (Unauthorized)" in denied.stderr
