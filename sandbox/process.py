"""Start, stop and inspect the sandbox's background servers by PID file.

Each server runs in its own session (so stopping it also stops its children), logs to
<state>/<name>.log and is considered up only when its readiness check passes. A port that is already
taken, or a server that exits or never becomes ready, is reported with the tail of its log.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sandbox.config import HOST


class SandboxError(RuntimeError):
    """A sandbox server could not be started or stopped; the message says why and what to do."""


def port_is_open(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def pid_is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is not alive; /proc tells (Linux).
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    return True


@dataclass
class Server:
    name: str
    argv: Sequence[str]
    port: int
    state_dir: Path
    ready: Callable[[], bool]
    env: dict[str, str] = field(default_factory=dict)
    stop_signal: int = signal.SIGTERM
    preexec: Callable[[], None] | None = None
    start_timeout: float = 60.0

    @property
    def pid_file(self) -> Path:
        return self.state_dir / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return self.state_dir / f"{self.name}.log"

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if pid_is_alive(pid) else None

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def start(self) -> str:
        """Start the server unless it already runs; returns a one-line account of what happened."""
        if self.pid() is not None:
            if self.ready():
                return f"{self.name}: already running (pid {self.pid()})"
            self.stop()
        if port_is_open(self.port):
            raise SandboxError(
                f"{self.name}: port {HOST}:{self.port} is already taken by another process; stop it or "
                f"choose another port with SANDBOX_{self.name.upper()}_PORT"
            )
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                list(self.argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **self.env},
                start_new_session=True,
                preexec_fn=self.preexec,
            )
        self.pid_file.write_text(f"{process.pid}\n")
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                raise SandboxError(
                    f"{self.name}: exited with status {process.returncode} while starting; log "
                    f"{self.log_file}:\n{self.log_tail()}"
                )
            if self.ready():
                return f"{self.name}: started (pid {process.pid}) on {HOST}:{self.port}"
            time.sleep(0.2)
        self.stop()
        raise SandboxError(
            f"{self.name}: not ready after {self.start_timeout:.0f}s; log {self.log_file}:\n{self.log_tail()}"
        )

    def stop(self, timeout: float = 15.0) -> str:
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return f"{self.name}: not running"
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, self.stop_signal)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and pid_is_alive(pid):
            time.sleep(0.1)
        if pid_is_alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        self.pid_file.unlink(missing_ok=True)
        return f"{self.name}: stopped (pid {pid})"
