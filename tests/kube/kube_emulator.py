"""Start and stop a private Kubernetes API emulator (sandbox.kube) for the conformance suite and benchmark.

The emulator runs as a child process on an ephemeral loopback port with its own state directory, and is
stopped by its PID, never by name, so it cannot disturb the sandbox's emulator on 6443.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.net import free_port

READY_LINE = re.compile(r"kube emulator listening on (?P<url>\S+)")
# Generous: a cold start on two cores shared with a whole team. Only a hung start ever waits this long.
START_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 15.0


class EmulatorStartError(RuntimeError):
    """The emulator exited or never said it was listening."""


@dataclass
class RunningEmulator:
    process: subprocess.Popen
    url: str
    state_dir: Path
    log_path: Path
    start_seconds: float

    @property
    def kubeconfig(self) -> Path:
        return self.state_dir / "kubeconfig"

    @property
    def exec_kubeconfig(self) -> Path:
        return self.state_dir / "kubeconfig-exec"

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_emulator(state_dir: Path, *, controllers: bool = True, tls: bool = False) -> RunningEmulator:
    """Start `python -m sandbox.kube serve` and return once it prints that it is listening."""
    state_dir.mkdir(parents=True, exist_ok=True)
    log_path = state_dir / "emulator.log"
    command = [
        sys.executable,
        "-m",
        "sandbox.kube",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(free_port()),
        "--state-dir",
        str(state_dir),
    ]
    command += ["--tls"] if tls else []
    command += [] if controllers else ["--no-controllers"]
    repo_root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # the ready line must reach the log file at once
    started = time.monotonic()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=repo_root, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    while True:
        match = READY_LINE.search(log_path.read_text(errors="replace"))
        if match:
            return RunningEmulator(process, match["url"], state_dir, log_path, time.monotonic() - started)
        elapsed = time.monotonic() - started
        if process.poll() is not None or elapsed > START_TIMEOUT_SECONDS:
            if process.poll() is None:
                process.kill()
                process.wait()
            raise EmulatorStartError(
                f"{' '.join(command)} did not start (exit {process.returncode}, {elapsed:.1f}s):\n"
                + log_path.read_text(errors="replace")[-4000:]
            )
        time.sleep(0.05)
