"""`make bench-app-instructions`: CPU instructions per request of the storefront's hot paths, counted by
valgrind's callgrind, beside those of bare aiohttp doing the same.

Unlike requests per second, an instruction count does not depend on what else the shared machine runs:
it is the figure to compare before and after a change. Each measured server runs under callgrind twice
(every thread counted: the log writer's work too), from start to a graceful exit: once with a warm-up's
worth of requests, once with exactly `--requests` more, over 32 keep-alive connections; the difference
divided by `--requests` is the cost of one request, start-up and shutdown cancelled out. (Zeroing and
dumping the counters of a running server with callgrind_control stalls its event loop.) Only the measured
process is counted: for the proxies that is the proxy, not the backend behind it.

  baseline    bare aiohttp JSON handler (no middleware, no access log), as in `make bench-app`
  bare proxy  bare aiohttp proxy of the products HIT (one ClientSession, read and return the bytes)
  hit         GET /api/v1/products?per_page=20 from the backend, cache HIT, production logging
  proxy       the same through the frontend's /api proxy, production logging
  home        the frontend's home page, production logging

BENCH_TARGETS=hit,baseline (comma-separated keys) measures only those. Needs valgrind.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.app.backend.bench import (
    ADMIN_URL,
    APP_DIR,
    PRODUCTS_PATH,
    REDIS_URL,
    bench_key_prefix,
    check_response,
    service,
)
from tests.support.net import free_port, wait_for_http
from tests.support.postgres import scratch_database

BENCH_FILE = Path(__file__).resolve().parent / "bench.py"
CONNECTIONS = 32
TARGETS = ["baseline", "bare proxy", "hit", "proxy", "home"]
# (bare aiohttp, the storefront, what): instructions per request of the first over the second, the
# instruction-count counterpart of `make bench-app`'s ratios of requests per second.
RATIOS = [
    ("baseline", "hit", "products HIT / bare aiohttp (target >= 0.8)"),
    ("bare proxy", "proxy", "frontend /api proxy / bare aiohttp proxy (target >= 0.9)"),
    ("baseline", "home", "home page / bare aiohttp (target >= 0.25)"),
]


async def _one_connection(port: int, request: bytes, count: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for _ in range(count):
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            if status != 200:
                raise RuntimeError(f"answered {status}: {head!r}")
            length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
            if length is None:
                raise RuntimeError(f"no Content-Length: {head!r}")
            await reader.readexactly(int(length.group(1)))
    finally:
        writer.close()


def send_requests(port: int, path: str, total: int, connections: int) -> None:
    """Exactly `total` GET requests over `connections` keep-alive connections, each answer read whole."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    shares = [total // connections + (1 if i < total % connections else 0) for i in range(connections)]

    async def send_all() -> None:
        await asyncio.gather(*(_one_connection(port, request, share) for share in shares if share))

    asyncio.run(send_all())


def run_instructions(
    command: list[str], env: dict[str, str], out_dir: Path, name: str, target: tuple[str, str], requests: int
) -> int:
    """Start `command` ("{port}" in it replaced) under callgrind, send `requests` requests to the target
    (path, health-check path), stop it gracefully, and return every instruction it ran, start to exit."""
    path, health = target
    port = free_port()
    out_file = out_dir / f"{name}.{requests}.callgrind"
    log_path = out_dir / f"{name}.log"
    command = [arg.replace("{port}", str(port)) for arg in command]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--vgdb=no", f"--callgrind-out-file={out_file}", *command],
            env=env | {"HOST": "127.0.0.1", "PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_http(f"http://127.0.0.1:{port}{health}", process, name, log_path)
        send_requests(port, path, requests, CONNECTIONS)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait()
    return int(re.search(r"^totals: (\d+)", out_file.read_text(errors="replace"), re.MULTILINE).group(1))


def instructions_per_request(
    command: list[str], env: dict[str, str], out_dir: Path, name: str, target: tuple[str, str], requests: int
) -> float:
    """Two runs that differ only by `requests` more requests: start-up, warm-up and shutdown cancel out."""
    warm_up = max(requests // 4, CONNECTIONS)
    short = run_instructions(command, env, out_dir, name, target, warm_up)
    long = run_instructions(command, env, out_dir, name, target, warm_up + requests)
    return (long - short) / requests


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", "2000")))
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install -y valgrind")
    selected = [key.strip() for key in os.environ.get("BENCH_TARGETS", "").split(",") if key.strip()]

    env = os.environ | {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(APP_DIR), os.environ.get("PYTHONPATH")]))
    }
    python = sys.executable
    results: dict[str, float] = {}
    with ExitStack() as stack:
        out_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-app-instructions-")))
        database_url = stack.enter_context(
            scratch_database(ADMIN_URL, f"storefront_bench_instructions_{os.getpid()}")
        )
        env |= {
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": stack.enter_context(bench_key_prefix()),
            "LOG_LEVEL": "INFO",
            "ACCESS_LOG": "true",
            # One string hashing for every run: start-up (most of a run's instructions) then costs the two
            # runs of a target the same, to the instruction, and cancels out.
            "PYTHONHASHSEED": "0",
        }
        for command in ("migrate", "seed"):
            subprocess.run(
                [python, "-m", "storefront.backend", command], env=env, check=True, capture_output=True
            )
        backend_cmd = [python, "-m", "storefront.backend", "serve"]
        frontend_cmd = [python, "-m", "storefront.frontend", "serve"]
        # The upstream of the proxies and the home page, not measured.
        backend = stack.enter_context(service(backend_cmd, env, out_dir, "backend"))
        check_response(backend.url + PRODUCTS_PATH, None)
        check_response(backend.url + PRODUCTS_PATH, "HIT")
        # Under callgrind the frontend runs some fifty times slower: its timeouts are not what is measured.
        env |= {"BACKEND_URL": backend.url, "BACKEND_CONNECT_TIMEOUT": "60", "BACKEND_READ_TIMEOUT": "300"}
        baseline_cmd = [python, str(BENCH_FILE), "--baseline-server", "{port}", backend.url + PRODUCTS_PATH]
        commands = {
            "baseline": (baseline_cmd, ("/", "/")),
            "bare proxy": (baseline_cmd, ("/bare-proxy", "/")),
            "hit": (backend_cmd, (PRODUCTS_PATH, "/healthz")),
            "proxy": (frontend_cmd, (PRODUCTS_PATH, "/healthz")),
            "home": (frontend_cmd, ("/", "/healthz")),
        }
        # What a process does once per second of wall time (refresh its copy of a cache entry from Redis,
        # render a shared page again) is spread over some 20,000 requests in production but over fifty
        # times fewer under callgrind: measured at production rates, it would weigh fifty times more than
        # it does. The measured processes refresh them once a minute instead.
        measured_env = env | {"CACHE_LOCAL_TTL_SECONDS": "60", "PAGE_CACHE_SECONDS": "60"}
        for key in selected or TARGETS:
            command, target = commands[key]
            results[key] = instructions_per_request(
                command, measured_env, out_dir, key, target, args.requests
            )

    print(f"callgrind, instructions per request ({args.requests} requests, {CONNECTIONS} connections)")
    for key, value in results.items():
        print(f"  {key:12} {value:12,.0f}")
    for base, measured, what in RATIOS:
        if base in results and measured in results:
            print(f"  {what:60} {results[base] / results[measured]:6.2f}")


if __name__ == "__main__":
    main()
