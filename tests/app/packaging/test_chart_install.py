"""The storefront chart goes through a Helm release's life in the sandbox's Kubernetes API emulator.

What the app phase does with it: install with an existing Secret (the sandbox, no External Secrets), upgrade
to External Secrets with its CRDs present, uninstall. `--wait` needs the emulator's Deployment status and
the `alb` Ingress hostname, so this also shows the chart's objects are ones its controllers act on.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox.validate_manifests import helm_binary
from tests.kube.kube_emulator import RunningEmulator, start_emulator

REPO_ROOT = Path(__file__).resolve().parents[3]
CHART = REPO_ROOT / "app" / "chart"
ESO_CRDS = REPO_ROOT / "tests" / "kube" / "crds" / "external-secrets.yaml"
NAMESPACE = "storefront"
RELEASE = "shop"
SECRET = "storefront-credentials"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    running = start_emulator(tmp_path_factory.mktemp("kube"))
    yield running
    running.stop()


def run(emulator: RunningEmulator, *command: str) -> str:
    result = subprocess.run(
        list(command),
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "KUBECONFIG": str(emulator.kubeconfig)},
    )
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}{result.stderr}"
    return result.stdout


def kubectl(emulator: RunningEmulator, *args: str) -> str:
    return run(emulator, str(Path(helm_binary()).with_name("kubectl")), *args)


def helm(emulator: RunningEmulator, *args: str) -> str:
    return run(emulator, helm_binary(), *args)


def get(emulator: RunningEmulator, kind: str) -> list[dict[str, Any]]:
    return json.loads(kubectl(emulator, "--namespace", NAMESPACE, "get", kind, "--output", "json"))["items"]


def test_install_upgrade_uninstall(emulator: RunningEmulator) -> None:
    kubectl(emulator, "create", "namespace", NAMESPACE)
    kubectl(
        emulator,
        *("--namespace", NAMESPACE, "create", "secret", "generic", SECRET),
        "--from-literal=DATABASE_URL=postgresql://storefront:secret@postgresql:5432/storefront",
    )
    helm(
        emulator,
        *("install", RELEASE, str(CHART), "--namespace", NAMESPACE, "--wait"),
        *("--set", "secrets.externalSecret.enabled=false", "--set", f"secrets.name={SECRET}"),
    )
    deployments = {item["metadata"]["name"]: item for item in get(emulator, "deployments")}
    assert sorted(deployments) == ["shop-storefront-backend", "shop-storefront-frontend"]
    for deployment in deployments.values():
        assert deployment["status"]["readyReplicas"] >= 1
    (ingress,) = get(emulator, "ingresses")
    assert ingress["status"]["loadBalancer"]["ingress"][0]["hostname"].endswith(".elb.amazonaws.com")

    kubectl(emulator, "apply", "--filename", str(ESO_CRDS))
    # Back to the chart's defaults (External Secrets on); without --reset-values an upgrade given no values
    # reuses the last release's.
    helm(emulator, "upgrade", RELEASE, str(CHART), "--namespace", NAMESPACE, "--reset-values", "--wait")
    (external_secret,) = get(emulator, "externalsecrets.external-secrets.io")
    assert external_secret["spec"]["target"]["name"] == "shop-storefront-backend"
    history = json.loads(helm(emulator, "history", RELEASE, "--namespace", NAMESPACE, "--output", "json"))
    assert [revision["status"] for revision in history] == ["superseded", "deployed"]

    helm(emulator, "uninstall", RELEASE, "--namespace", NAMESPACE, "--wait")
    for kind in ("deployments", "services", "ingresses", "externalsecrets.external-secrets.io"):
        assert get(emulator, kind) == [], kind
    assert [item["metadata"]["name"] for item in get(emulator, "secrets")] == [SECRET]
