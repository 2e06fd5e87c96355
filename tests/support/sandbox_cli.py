"""`python -m sandbox ARGS` from the repository root, for fixtures that run a sandbox of their own."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.net import free_port

REPO = Path(__file__).resolve().parents[2]


def run_sandbox_cli(env: dict[str, str], *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run the sandbox CLI with `env` (a private SANDBOX_HOME and ports); its output is captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "sandbox", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@contextmanager
def private_sandbox(home: Path, *components: str) -> Iterator[dict[str, str]]:
    """A sandbox of its own (SANDBOX_HOME `home`, free ports, none of the caller's AWS settings) with
    `components` up; yields its environment and stops it however the caller ends.

    PWD is `home` too: what a run writes under $PWD/artifacts (the eks role's kubeconfig and ClusterConfig)
    belongs to this sandbox, so runs side by side in one checkout do not overwrite each other's files, nor
    the checkout's own."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SANDBOX_", "KUBECONFIG"))},
        "PWD": str(home),
        "SANDBOX_HOME": str(home),
        "SANDBOX_AWS_PORT": str(free_port()),
        "SANDBOX_KUBE_PORT": str(free_port()),
        # Private PostgreSQL and Redis, and the local shop (app phase), on ports of their own: never the
        # servers on the standard ports, which other runs share.
        "SANDBOX_DATASTORES": "private",
        "SANDBOX_POSTGRES_PORT": str(free_port()),
        "SANDBOX_REDIS_PORT": str(free_port()),
        "SANDBOX_SHOP_PORT": str(free_port()),
        "SANDBOX_SHOP_BACKEND_PORT": str(free_port()),
    }
    up = run_sandbox_cli(env, "up", *components, timeout=300)
    assert up.returncode == 0, up.stdout + up.stderr
    try:
        yield env
    finally:
        run_sandbox_cli(env, "down", timeout=120)
