"""Benchmark of the Kubernetes API emulator: start time, resident memory (also after 5,000 ConfigMaps), rates.

    python -m tests.kube.bench [--requests 2000] [--objects 5000]    # from the repository root
    python tests/kube/bench.py [--requests 2000]    # as `make bench-kube` runs it

Starts a private emulator on an ephemeral loopback port, drives one keep-alive HTTP connection with a
bounded number of requests, prints the figures and stops the emulator by PID. It measures; it never fails
on a slow machine.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import ssl
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import yaml

if not __package__:
    # Run as a file (`make bench-kube`), sys.path starts at tests/kube; the repository root makes `tests.*`
    # importable, as it is under `python -m tests.kube.bench`.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.kube.kube_emulator import RunningEmulator, start_emulator

NAMESPACE = "default"
CONFIG_MAP = "bench"


def resident_memory_mib(pid: int) -> float:
    try:
        import psutil  # optional: more precise where installed
    except ImportError:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no VmRSS for pid {pid}") from None
    return psutil.Process(pid).memory_info().rss / (1024 * 1024)


class KubeConnection:
    """One keep-alive connection authenticated as the emulator's kubeconfig says."""

    def __init__(self, emulator: RunningEmulator) -> None:
        kubeconfig = yaml.safe_load(emulator.kubeconfig.read_text())
        cluster = kubeconfig["clusters"][0]["cluster"]
        user = kubeconfig["users"][0]["user"]
        server = urlsplit(cluster["server"])
        self.headers = {"Accept": "application/json"}
        if "token" in user:
            self.headers["Authorization"] = f"Bearer {user['token']}"
        if server.scheme == "https":
            context = ssl.create_default_context()
            if "certificate-authority-data" in cluster:
                context.load_verify_locations(
                    cadata=base64.b64decode(cluster["certificate-authority-data"]).decode()
                )
            self.connection = http.client.HTTPSConnection(server.hostname, server.port, context=context)
        else:
            self.connection = http.client.HTTPConnection(server.hostname, server.port)

    def request(self, method: str, path: str, body: dict | None = None, content_type: str = "") -> dict:
        headers = dict(self.headers)
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = content_type or "application/json"
        self.connection.request(method, path, body=payload, headers=headers)
        response = self.connection.getresponse()
        answer = response.read()
        if response.status >= 400:
            raise RuntimeError(f"{method} {path} answered {response.status}: {answer[:300]!r}")
        return json.loads(answer)

    def close(self) -> None:
        self.connection.close()


def requests_per_second(count: int, send) -> float:
    started = time.perf_counter()
    for index in range(count):
        send(index)
    return count / (time.perf_counter() - started)


def run(count: int, objects: int) -> None:
    with tempfile.TemporaryDirectory(prefix="kube-bench-") as state_dir:
        emulator = start_emulator(Path(state_dir))
        try:
            idle_memory = resident_memory_mib(emulator.process.pid)
            api = KubeConnection(emulator)
            collection = f"/api/v1/namespaces/{NAMESPACE}/configmaps"
            item = f"{collection}/{CONFIG_MAP}"
            api.request("POST", collection, {"metadata": {"name": CONFIG_MAP}, "data": {"n": "0"}})
            get_rate = requests_per_second(count, lambda _: api.request("GET", item))
            patch_rate = requests_per_second(
                count,
                lambda index: api.request(
                    "PATCH", item, {"data": {"n": str(index)}}, "application/merge-patch+json"
                ),
            )
            loaded_memory = resident_memory_mib(emulator.process.pid)
            started = time.perf_counter()
            for index in range(objects):
                api.request(
                    "POST", collection, {"metadata": {"name": f"many-{index}"}, "data": {"n": str(index)}}
                )
            create_rate = objects / (time.perf_counter() - started)
            api.close()
            many_memory = resident_memory_mib(emulator.process.pid)
        finally:
            emulator.stop()
    print(f"kube emulator benchmark ({count} requests each, one keep-alive connection, loopback)")
    print(f"  start time            {emulator.start_seconds:8.2f} s")
    print(f"  resident memory idle  {idle_memory:8.1f} MiB")
    print(f"  resident memory after {loaded_memory:8.1f} MiB")
    print(f"  GET ConfigMap         {get_rate:8.0f} req/s")
    print(f"  PATCH ConfigMap       {patch_rate:8.0f} req/s (merge patch)")
    print(f"  POST ConfigMap        {create_rate:8.0f} req/s ({objects} created)")
    print(f"  resident memory after {objects} ConfigMaps {many_memory:8.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000, help="requests per measured verb")
    parser.add_argument("--objects", type=int, default=5000, help="ConfigMaps created for the memory figure")
    arguments = parser.parse_args()
    run(arguments.requests, arguments.objects)


if __name__ == "__main__":
    main()
