"""What EKS refuses, refused here with the same status and wording."""

from __future__ import annotations

import json

import pytest


def create(kubectl, namespace: str, obj: dict):
    return kubectl("create", "-n", namespace, "-f", "-", stdin=json.dumps(obj), check=False)


def job(**pod_spec) -> dict:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "once"},
        "spec": {
            "template": {"spec": {"containers": [{"name": "app", "image": "busybox:1.36"}], **pod_spec}}
        },
    }


def test_a_config_map_over_1_mib_is_refused(kubectl, namespace):
    big = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "big"},
        "data": {"blob": "x" * (1024 * 1024 + 1)},
    }

    result = create(kubectl, namespace, big)

    assert result.returncode != 0
    assert "Too long: must have at most 1048576 bytes" in result.stderr


def test_a_secret_over_1_mib_is_refused(kubectl, namespace, tmp_path):
    blob = tmp_path / "blob"
    blob.write_bytes(b"x" * (1024 * 1024))

    result = kubectl(
        "create", "secret", "generic", "big", "-n", namespace, f"--from-file={blob}", check=False
    )

    assert result.returncode != 0
    assert "data: Too long: must have at most 1048576 bytes" in result.stderr


def test_a_last_applied_annotation_over_256_kib_is_refused(kubectl, namespace):
    manifest = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "annotated"},
        "data": {f"k{index}": "v" * 1024 for index in range(300)},
    }

    result = kubectl("apply", "-n", namespace, "-f", "-", stdin=json.dumps(manifest), check=False)

    assert result.returncode != 0
    assert "metadata.annotations: Too long: must have at most 262144 bytes" in result.stderr


def test_a_job_needs_restart_policy_never_or_on_failure(kubectl, namespace):
    refused = create(kubectl, namespace, job())
    accepted = create(kubectl, namespace, job(restartPolicy="Never"))

    assert refused.returncode != 0
    assert 'spec.template.spec.restartPolicy: Unsupported value: "Always"' in refused.stderr
    assert accepted.returncode == 0, accepted.stderr


@pytest.mark.parametrize("schedule", ["every minute", "61 * * * *", "* * * *"])
def test_an_invalid_cron_schedule_is_refused(kubectl, namespace, schedule):
    cronjob = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "tick"},
        "spec": {"schedule": schedule, "jobTemplate": {"spec": job(restartPolicy="OnFailure")["spec"]}},
    }

    result = create(kubectl, namespace, cronjob)

    assert result.returncode != 0
    assert f'spec.schedule: Invalid value: "{schedule}"' in result.stderr


def test_duplicate_container_names_are_refused(kubectl, namespace):
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "twins"},
        "spec": {
            "containers": [{"name": "app", "image": "busybox:1.36"}, {"name": "app", "image": "busybox:1.37"}]
        },
    }

    result = create(kubectl, namespace, pod)

    assert result.returncode != 0
    assert 'spec.containers[1].name: Duplicate value: "app"' in result.stderr


def test_an_invalid_quantity_is_refused_and_valid_ones_pass(kubectl, namespace):
    def pod(name: str, cpu: str) -> dict:
        return {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name},
            "spec": {
                "containers": [
                    {
                        "name": "app",
                        "image": "busybox:1.36",
                        "resources": {"requests": {"cpu": cpu, "memory": "64Mi"}},
                    }
                ]
            },
        }

    refused = create(kubectl, namespace, pod("lots", "lots"))
    accepted = create(kubectl, namespace, pod("some", "250m"))

    assert refused.returncode != 0
    assert "quantities must match the regular expression" in refused.stderr
    assert accepted.returncode == 0, accepted.stderr
