"""`python -m sandbox ARGS` from the repository root, for fixtures that run a sandbox of their own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
