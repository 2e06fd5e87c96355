"""The sandbox's components and how each one is started, checked, reset and stopped."""

from __future__ import annotations

import json
import ssl
import sys
import urllib.error
import urllib.request
from pathlib import Path

from sandbox import datastores
from sandbox.config import HOST, SETTINGS
from sandbox.process import SandboxError, Server

RECORD = "sandbox.json"  # what runs where, for `status`, `env` and the local inventory


def _http_ok(url: str) -> bool:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the emulator's certificate is self-signed
    try:
        with urllib.request.urlopen(url, timeout=2, context=context) as response:  # noqa: S310
            return response.status < 500
    except urllib.error.HTTPError as exc:
        return exc.code < 500
    except (OSError, ValueError):
        return False


def aws_server() -> Server:
    return Server(
        name="aws",
        argv=[
            *(sys.executable, "-m", "sandbox.aws", "serve", "--host", HOST, "--port", str(SETTINGS.aws_port)),
            # EKS clusters in moto point at the emulator and register Nodes there (sandbox/eks_bridge.py).
            *("--kube-state-dir", str(SETTINGS.home / "kube")),
        ],
        port=SETTINGS.aws_port,
        state_dir=SETTINGS.state_dir("aws"),
        ready=lambda: _http_ok(f"{SETTINGS.aws_endpoint}/moto-api/"),
    )


def kube_server() -> Server:
    state = SETTINGS.state_dir("kube")
    return Server(
        name="kube",
        argv=[
            sys.executable,
            "-m",
            "sandbox.kube",
            "serve",
            "--host",
            HOST,
            "--port",
            str(SETTINGS.kube_port),
            "--state-dir",
            str(state),
            "--tls",
            # The add-on controllers the emulator plays (External Secrets, AWS Load Balancer Controller)
            # act on the sandbox's AWS.
            *("--aws-endpoint", SETTINGS.aws_endpoint, "--aws-region", SETTINGS.region),
        ],
        port=SETTINGS.kube_port,
        state_dir=state,
        ready=lambda: _http_ok(f"{SETTINGS.kube_server}/version") and SETTINGS.kubeconfig.exists(),
    )


def read_record() -> dict:
    try:
        return json.loads((SETTINGS.home / RECORD).read_text())
    except (OSError, ValueError):
        return {}


def write_record(record: dict) -> None:
    SETTINGS.home.mkdir(parents=True, exist_ok=True)
    (SETTINGS.home / RECORD).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")


def up(names: list[str]) -> list[str]:
    """Start the named components (idempotent); returns one line per component."""
    lines: list[str] = []
    record = read_record()
    if "aws" in names:
        lines.append(aws_server().start())
        record["aws_endpoint"] = SETTINGS.aws_endpoint
    if "kube" in names:
        lines.append(kube_server().start())
        record["kubeconfig"] = str(SETTINGS.kubeconfig)
        record["kube_server"] = SETTINGS.kube_server
    for store, find, private in (
        ("postgres", datastores.find_postgres, datastores.private_postgres),
        ("redis", datastores.find_redis, datastores.private_redis),
    ):
        if store not in names:
            continue
        found = find()
        if found is None or (
            record.get(f"{store}_origin") == "private server" and found.origin != "environment"
        ):
            lines.append(private().start())
            found = datastores.Found(datastores.private_url(store), "private server")
        else:
            lines.append(f"{store}: using the {found.origin} at {_redact(found.url)}")
        record[f"{store}_url"] = found.url
        record[f"{store}_origin"] = found.origin
    write_record(record)
    return lines


def down(names: list[str]) -> list[str]:
    record = read_record()
    lines = []
    if "shop" in names:
        from sandbox import shop  # imports boto3 and redis: only when the shop is asked for

        lines += shop.stop()
    if "aws" in names:
        lines.append(aws_server().stop())
    if "kube" in names:
        lines.append(kube_server().stop())
    for store in ("postgres", "redis"):
        if store in names:
            lines.append(datastores.stop_private(store))
            record.pop(f"{store}_url", None)
            record.pop(f"{store}_origin", None)
    write_record(record)
    return lines


def reset(names: list[str]) -> list[str]:
    """Clear state: moto's resources, the emulator's objects. Data stores are left to their owners."""
    lines = []
    if "aws" in names:
        request = urllib.request.Request(f"{SETTINGS.aws_endpoint}/moto-api/reset", method="POST")  # noqa: S310
        try:
            urllib.request.urlopen(request, timeout=10).close()  # noqa: S310
        except OSError as exc:
            raise SandboxError(f"aws: reset failed, is the sandbox up? ({exc})") from exc
        lines.append("aws: all resources cleared")
    if "kube" in names:
        server = kube_server()
        was_running = server.pid() is not None
        server.stop()
        for path in Path(server.state_dir).glob("*"):
            if path.is_file() and path.suffix not in {".log", ".pid"}:
                path.unlink()
        lines.append("kube: all objects cleared")
        if was_running:
            lines.append(server.start())
    return lines


def status() -> list[tuple[str, str, str]]:
    """(component, state, where) for each component."""
    record = read_record()
    rows = []
    for server, where in (
        (aws_server(), SETTINGS.aws_endpoint),
        (kube_server(), f"{SETTINGS.kube_server} (KUBECONFIG={SETTINGS.kubeconfig})"),
    ):
        pid = server.pid()
        state = f"running (pid {pid})" if pid and server.ready() else ("starting" if pid else "stopped")
        rows.append((server.name, state, where))
    for store, answers in (("postgres", datastores.postgres_answers), ("redis", datastores.redis_answers)):
        url = record.get(f"{store}_url")
        if not url:
            rows.append((store, "not chosen", "run `make sandbox-up`"))
            continue
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        host = url.split("@")[-1].split("//")[-1].split(":")[0]
        state = "running" if answers(host, port) else "not answering"
        rows.append((store, f"{state} ({record[f'{store}_origin']})", _redact(url)))
    return rows


def _redact(url: str) -> str:
    """Hide a password in a URL: scheme://user:***@host."""
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    if at and ":" in creds:
        creds = creds.split(":", 1)[0] + ":***"
    return f"{scheme}{sep}{creds}{at}{host}"
