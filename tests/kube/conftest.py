"""Fixtures of the Kubernetes API emulator conformance suite.

One emulator serves the whole session (a second one, without controllers, only for the tests that need
waits to time out); every test works in its own namespace so that tests stay independent.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kube_clients import Ansible, Cli, pinned_tool, unique_name
from kube_emulator import RunningEmulator, start_emulator
from kubernetes import client, config


def _start(tmp_path_factory: pytest.TempPathFactory, name: str, *, controllers: bool) -> RunningEmulator:
    return start_emulator(tmp_path_factory.mktemp(name), controllers=controllers)


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    running = _start(tmp_path_factory, "kube-emulator", controllers=True)
    try:
        # The fixtures below pass the kubeconfig explicitly; KUBECONFIG covers any other client.
        with pytest.MonkeyPatch.context() as environment:
            environment.setenv("KUBECONFIG", str(running.kubeconfig))
            yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def emulator_without_controllers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    running = _start(tmp_path_factory, "kube-emulator-no-controllers", controllers=False)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def api_client(emulator: RunningEmulator) -> Iterator[client.ApiClient]:
    api = config.new_client_from_config(config_file=str(emulator.kubeconfig))
    with api:
        yield api


@pytest.fixture(scope="session")
def core_v1(api_client: client.ApiClient) -> client.CoreV1Api:
    return client.CoreV1Api(api_client)


@pytest.fixture(scope="session")
def apps_v1(api_client: client.ApiClient) -> client.AppsV1Api:
    return client.AppsV1Api(api_client)


@pytest.fixture(scope="session")
def kubectl(emulator: RunningEmulator) -> Cli:
    return Cli(pinned_tool("kubectl"), emulator.kubeconfig)


@pytest.fixture(scope="session")
def helm(emulator: RunningEmulator) -> Cli:
    return Cli(pinned_tool("helm"), emulator.kubeconfig)


@pytest.fixture(scope="session")
def ansible(emulator: RunningEmulator) -> Ansible:
    return Ansible(emulator.kubeconfig)


@pytest.fixture
def namespace(request: pytest.FixtureRequest, core_v1: client.CoreV1Api) -> Iterator[str]:
    name = unique_name(request)
    core_v1.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    yield name
    core_v1.delete_namespace(name)
