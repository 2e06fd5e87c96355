"""Fixtures of the end-to-end tier: private sandboxes (private SANDBOX_HOME, free ports) and the shared site.

`site` (session): one private sandbox on which site.yml converges once, shared by every file of the
session, so that the first converge (the costly run) is paid once, not once per file. Its life:

1. On the empty account, `site.yml --check --diff`, when a collected test asks for it (`site_empty_plan`).
2. `site.yml --diff`, the first converge (`site.first_converge`). The fixture fails, and with it every
   test that uses it, when either run fails.
3. The tests marked `after_first_converge`, in file order: they see the account exactly as the first
   converge left it (a second run, a plan of the converged account). They must leave it unchanged.
4. The unmarked tests that use `site`, in file order. Each may change the account (drift, a stray
   resource) but must leave it converged as site.yml leaves it: drift repaired by a run of site.yml, what it
   added deleted in a `finally`.
5. The tests marked `site_teardown`, last: first test_site.py's (teardown.yml of the converged site, the
   sweep on leftovers, the full teardown that leaves nothing of ours), then other files' in file order,
   on the empty account.

Collection puts the tests in that order (pytest_collection_modifyitems below), whatever files are selected.
tests/e2e/README.md says how a new check plugs in.

`sandbox` (module): a fresh private sandbox for a file whose account must hold something the site does not
(another playbook, two environments); use it only for that, since each costs a converge of its own.
"""

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

AFTER_FIRST_CONVERGE = "after_first_converge"
SITE_TEARDOWN = "site_teardown"
ANY_STRATEGY = "any_strategy"
SITE_FILE = "test_site.py"  # its teardown tests come first in the teardown stage


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{AFTER_FIRST_CONVERGE}: right after the shared site's first converge; changes nothing"
    )
    config.addinivalue_line(
        "markers", f"{SITE_TEARDOWN}: tears the shared site down; runs after every other test"
    )
    config.addinivalue_line(
        "markers",
        f"{ANY_STRATEGY}: what it checks does not depend on the strategy plugin; the run without mitogen "
        "(make test-e2e-linear) leaves it out",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The shared site's stages in order (see the module's docstring); file order within each stage."""

    def stage(item: pytest.Item) -> tuple[int, int]:
        if item.get_closest_marker(AFTER_FIRST_CONVERGE):
            return (0, 0)
        if item.get_closest_marker(SITE_TEARDOWN):
            return (2, 0 if item.path.name == SITE_FILE else 1)
        return (1, 0)

    items.sort(key=stage)  # stable: the collected order holds within a stage


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
        # The whole of stdout: a message the tests look for may sit anywhere in a long run's document.
        return Run(result.returncode, stats, result.stdout + result.stderr[-3000:], document)


@dataclass
class Site(Sandbox):
    """The shared sandbox after site.yml's first converge, with the runs that got it there."""

    first_converge: Run | None = None
    # `site.yml --check --diff` on the empty account; made only when a collected test asks for it
    # (the `site_empty_plan` fixture).
    empty_plan: Run | None = None


@pytest.fixture(scope="module")
def sandbox(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """A module's own sandbox: every component site.yml needs (its app phase: the Kubernetes emulator, and
    PostgreSQL and Redis for the local shop), or those the module names in SANDBOX_COMPONENTS."""
    components = getattr(request.module, "SANDBOX_COMPONENTS", ("aws", "kube", "postgres", "redis"))
    with private_sandbox(tmp_path_factory.mktemp("e2e-sandbox"), *components) as env:
        yield Sandbox(env)


@pytest.fixture(scope="session")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    # Every component site.yml needs: the add-ons and app phases' cluster (the Kubernetes emulator), and
    # PostgreSQL and Redis for the local shop.
    with private_sandbox(tmp_path_factory.mktemp("e2e-site"), "aws", "kube", "postgres", "redis") as env:
        shared = Site(env)
        # The plan of the empty account costs a run: made only when a collected test asks for it.
        if any("site_empty_plan" in getattr(item, "fixturenames", ()) for item in request.session.items):
            shared.empty_plan = shared.playbook("site.yml", "--check", "--diff")
            assert shared.empty_plan.returncode == 0, shared.empty_plan.output
        shared.first_converge = shared.playbook("site.yml", "--diff")
        assert shared.first_converge.returncode == 0, shared.first_converge.output
        yield shared


@pytest.fixture
def site_empty_plan(site: Site) -> Run:
    """`site.yml --check --diff` on the shared sandbox's empty account, before its first converge."""
    return site.empty_plan
