"""A fresh sandbox of its own (private SANDBOX_HOME, free ports) for the end-to-end run."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest

from tests.support.sandbox_cli import private_sandbox

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass
class Run:
    returncode: int
    stats: dict
    output: str
    # The whole document of the JSON callback: plays, tasks and each task's result (with its diff).
    document: dict = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return sum(host["changed"] for host in self.stats.values())

    @property
    def failures(self) -> int:
        return sum(host["failures"] + host["unreachable"] for host in self.stats.values())


@dataclass
class Sandbox:
    env: dict[str, str]

    def client(self, service: str):
        return boto3.client(
            service,
            endpoint_url=f"http://127.0.0.1:{self.env['SANDBOX_AWS_PORT']}",
            region_name="us-east-1",
            aws_access_key_id="sandbox",
            aws_secret_access_key="sandbox",
        )

    def helm_releases(self) -> dict[str, str]:
        """Release name -> namespace of every Helm release in the sandbox's cluster (the emulator)."""
        kubeconfig = Path(self.env["SANDBOX_HOME"]) / "kube" / "kubeconfig"
        listed = subprocess.run(
            [str(BIN / "helm"), "list", "-A", "--all", "--output=json", f"--kubeconfig={kubeconfig}"],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return {release["name"]: release["namespace"] for release in json.loads(listed.stdout)}

    def playbook(self, *args: str) -> Run:
        """ansible-playbook with the JSON callback; the play recap's stats are parsed."""
        env = {
            **self.env,
            "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
            "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        }
        result = subprocess.run(
            [str(BIN / "ansible-playbook"), *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        try:
            document = json.loads(result.stdout[result.stdout.index("{") :])
            stats = document["stats"]
        except (ValueError, KeyError):
            document, stats = {}, {}
        return Run(result.returncode, stats, result.stdout[-6000:] + result.stderr[-3000:], document)


@pytest.fixture(scope="module")
def sandbox(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """A module's own sandbox: every component site.yml needs (its app phase: the Kubernetes emulator, and
    PostgreSQL and Redis for the local shop), or those the module names in SANDBOX_COMPONENTS."""
    components = getattr(request.module, "SANDBOX_COMPONENTS", ("aws", "kube", "postgres", "redis"))
    with private_sandbox(tmp_path_factory.mktemp("e2e-sandbox"), *components) as env:
        yield Sandbox(env)
