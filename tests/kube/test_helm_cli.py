"""Helm 3.17 against the emulator: install, upgrade, rollback, test hook, uninstall (release Secrets in
protobuf included, since Helm's storage driver sends them that way)."""

from __future__ import annotations

import json

import pytest
from kube_clients import CHARTS
from kubernetes.client.rest import ApiException

CHART = str(CHARTS / "kube-probe")
RELEASE = "probe"
OBJECT = f"{RELEASE}-kube-probe"


def history(helm, namespace):
    return json.loads(helm("history", RELEASE, "-n", namespace, "-o", "json").stdout)


def install(helm, namespace, *extra):
    return helm("upgrade", "--install", RELEASE, CHART, "-n", namespace, "--wait", "--timeout=60s", *extra)


def test_install_then_upgrade_install_changes_nothing(helm, namespace, core_v1, apps_v1):
    install(helm, namespace)
    config_version = core_v1.read_namespaced_config_map(OBJECT, namespace).metadata.resource_version
    deployment_version = apps_v1.read_namespaced_deployment(OBJECT, namespace).metadata.resource_version

    install(helm, namespace)

    assert [(entry["revision"], entry["status"]) for entry in history(helm, namespace)] == [
        (1, "superseded"),
        (2, "deployed"),
    ]
    assert core_v1.read_namespaced_config_map(OBJECT, namespace).metadata.resource_version == config_version
    assert (
        apps_v1.read_namespaced_deployment(OBJECT, namespace).metadata.resource_version == deployment_version
    )
    release_secrets = core_v1.list_namespaced_secret(namespace, label_selector=f"owner=helm,name={RELEASE}")
    assert sorted(secret.metadata.labels["version"] for secret in release_secrets.items) == ["1", "2"]


def test_rollback_restores_the_previous_values(helm, namespace, core_v1):
    install(helm, namespace, "--set", "message=first")
    install(helm, namespace, "--set", "message=second")
    assert core_v1.read_namespaced_config_map(OBJECT, namespace).data == {"message": "second"}

    helm("rollback", RELEASE, "1", "-n", namespace, "--wait", "--timeout=60s")

    assert core_v1.read_namespaced_config_map(OBJECT, namespace).data == {"message": "first"}
    revisions = history(helm, namespace)
    assert [(entry["revision"], entry["status"]) for entry in revisions] == [
        (1, "superseded"),
        (2, "superseded"),
        (3, "deployed"),
    ]
    assert revisions[-1]["description"] == "Rollback to 1"


def test_test_hook_runs_and_passes(helm, namespace, core_v1):
    install(helm, namespace)

    result = helm("test", RELEASE, "-n", namespace, "--timeout=60s")

    assert f"TEST SUITE:     {OBJECT}-test" in result.stdout
    assert "Phase:          Succeeded" in result.stdout
    hook_pod = core_v1.read_namespaced_pod(f"{OBJECT}-test", namespace)
    assert hook_pod.metadata.annotations["helm.sh/hook"] == "test"


def test_uninstall_wait_removes_release_and_objects(helm, namespace, core_v1, apps_v1):
    install(helm, namespace)

    result = helm("uninstall", RELEASE, "-n", namespace, "--wait", "--timeout=60s")

    assert f'release "{RELEASE}" uninstalled' in result.stdout
    assert helm("list", "-n", namespace, "-q").stdout.strip() == ""
    for read in (core_v1.read_namespaced_config_map, apps_v1.read_namespaced_deployment):
        with pytest.raises(ApiException) as missing:
            read(OBJECT, namespace)
        assert missing.value.status == 404
    assert core_v1.list_namespaced_secret(namespace, label_selector="owner=helm").items == []
