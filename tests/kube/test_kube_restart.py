"""Restart semantics: acknowledged writes survive kill -9; a watch from before the restart gets 410 Gone."""

from __future__ import annotations

import pytest
from kube_emulator import start_emulator
from kubernetes import client, config, watch


@pytest.fixture
def private_emulator(tmp_path):
    running = start_emulator(tmp_path / "state")
    yield running
    running.stop()


def test_an_acknowledged_write_survives_kill_9_and_old_watches_get_410(private_emulator):
    with config.new_client_from_config(config_file=str(private_emulator.kubeconfig)) as api_client:
        api = client.CoreV1Api(api_client)
        created = api.create_namespaced_config_map(
            "default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="durable"), data={"a": "1"})
        )
        api.patch_namespaced_config_map("durable", "default", {"data": {"a": "2"}})
    private_emulator.process.kill()  # SIGKILL straight after the answer: no shutdown flush
    private_emulator.process.wait()

    restarted = start_emulator(private_emulator.state_dir)
    try:
        with config.new_client_from_config(config_file=str(restarted.kubeconfig)) as api_client:
            api = client.CoreV1Api(api_client)
            survived = api.read_namespaced_config_map("durable", "default")
            with pytest.raises(client.ApiException) as gone:
                for _ in watch.Watch().stream(
                    api.list_namespaced_config_map,
                    "default",
                    resource_version=created.metadata.resource_version,
                    timeout_seconds=5,
                ):
                    pass
            current = api.list_namespaced_config_map("default").metadata.resource_version
            resumed = list(
                watch.Watch().stream(
                    api.list_namespaced_config_map, "default", resource_version=current, timeout_seconds=1
                )
            )
    finally:
        restarted.stop()

    assert survived.data == {"a": "2"}
    assert gone.value.status == 410
    assert resumed == []
