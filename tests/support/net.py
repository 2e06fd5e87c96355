"""Loopback plumbing shared by the test fixtures and the benchmarks: a free port for a child server, and
waiting until that server answers.

Import it as `tests.support.net`: pytest puts the repository root on sys.path (`pythonpath` in
pyproject.toml), and so does `python -m tests.<...>` run from the repository root. tests/ and
tests/support/ have no __init__.py on purpose: `tests` is a namespace package.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

POLL_SECONDS = 0.1


class ServerExitedError(RuntimeError):
    """The server's process exited before it was ready; the message carries its log where there is one."""


def free_port() -> int:
    """A loopback TCP port that is free now (bound, read, released) for a child server to bind."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, name: str, log_path: Path | None = None) -> None:
    """Return once GET `url` answers 200; raise ServerExitedError if `process` exits first."""
    _wait_until(lambda: _answers_ok(url), process, name, log_path)


def wait_for_port(port: int, process: subprocess.Popen, name: str, log_path: Path | None = None) -> None:
    """Return once 127.0.0.1:`port` accepts TCP connections; raise ServerExitedError if `process` exits
    first."""
    _wait_until(lambda: _accepts_connections(port), process, name, log_path)


def _wait_until(
    ready: Callable[[], bool], process: subprocess.Popen, name: str, log_path: Path | None
) -> None:
    # No deadline: a cold start on the shared machine can be slow, and a server that dies is noticed here.
    while True:
        if process.poll() is not None:
            log = f":\n{log_path.read_text(errors='replace')}" if log_path else ""
            raise ServerExitedError(f"{name} exited with {process.returncode}{log}")
        if ready():
            return
        time.sleep(POLL_SECONDS)


def _answers_ok(url: str) -> bool:
    try:
        with urlopen(url) as response:  # noqa: S310 (loopback http URLs built by the caller)
            return response.status == 200
    except (URLError, ConnectionError):
        return False


def _accepts_connections(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
