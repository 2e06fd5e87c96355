"""`make bench-app`: requests/s and p50/p99 latency of the storefront API on loopback, measured with wrk.

The targets, each loaded the same way in the same run:
  baseline    a bare aiohttp handler returning a small JSON document (what the framework costs);
  HIT         GET /api/v1/products?per_page=20 (5.6 KB) from the backend, answered from the cache (the
              process's copy of the Redis entry, refreshed every CACHE_LOCAL_TTL_SECONDS);
  MISS        the same with CACHE_ENABLED=false, answered from PostgreSQL;
  proxy       the same through the frontend's /api proxy (to the caching backend);
  bare proxy  a bare aiohttp proxy of the cache hit (one ClientSession, read and return the bytes: no
              middleware, no header handling), the floor any aiohttp proxy of this backend stands on;
  home page   the frontend's / (HTML rendered from the backend's cached answers);
and, for scale, the cache hit with the access log off, the cache hit read from Redis every time
(CACHE_LOCAL_TTL_SECONDS=0), and a bare handler returning the same 5.6 KB.
The services run as in production (`python -m storefront.<service> serve`, the JSON access log on, as
ACCESS_LOG defaults) on their own database, created and dropped here; the baseline runs on the same runner
and event loop (uvloop) as the services. Each ratio is printed beside its target.
The machine is shared, so besides requests/s each target is also measured by the CPU time its server
processes spent (from /proc, over the same wrk run): requests per CPU-second of the servers, the
"CPU-normalised" figure, which another process's load changes much less than the rate.
BENCH_TARGETS=hit,baseline (comma-separated keys) measures only those.
Figures only: nothing fails on time.
"""

from __future__ import annotations

import argparse
import inspect
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.request import urlopen

if not __package__:
    # Run as a file (`make bench-app`), sys.path starts at tests/app/backend; the repository root makes
    # `tests.*` importable, as it is under `python -m tests.app.backend.bench`.
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.support.net import free_port, wait_for_http
from tests.support.postgres import scratch_database
from tests.support.redis_keys import delete_keys_with_prefix

# BENCH_APP_DIR measures another copy of app/ (e.g. `git archive <commit> app | tar -x -C /tmp/before`).
APP_DIR = Path(os.environ.get("BENCH_APP_DIR") or Path(__file__).resolve().parents[3] / "app")
ADMIN_URL = os.environ.get("BENCH_DATABASE_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
PRODUCTS_PATH = "/api/v1/products?per_page=20"
# (what, measured target, compared with, minimum ratio): the storefront issue's targets.
RATIO_TARGETS = [
    ("products HIT, production logging / bare aiohttp", "hit", "baseline", 0.8),
    ("frontend /api proxy / bare aiohttp proxy", "proxy", "bare proxy", 0.9),
    ("home page / bare aiohttp", "home", "baseline", 0.25),
    ("products HIT / MISS", "hit", "miss", 3.0),
]
# For scale, not targets: what the application adds to aiohttp serving the very same bytes, and what the
# in-process copy saves over a Redis round trip.
RATIOS_FOR_SCALE = [
    ("products HIT / bare aiohttp, the same bytes", "hit", "same body"),
    ("products HIT / HIT from Redis every time", "hit", "hit redis"),
    ("products HIT / HIT with ACCESS_LOG=false", "hit", "hit unlogged"),
]
HIT_P99_OVER_P50 = 3.0


@dataclass(order=True)
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests_per_cpu_second: float


@dataclass
class Server:
    url: str
    pid: int


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far (Linux /proc)."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return ticks / os.sysconf("SC_CLK_TCK")


def baseline_server(port: int, same_body_from: str) -> None:
    """The baseline: aiohttp with one JSON handler, no middleware, no access log. For scale, a second
    handler returns the products page itself (the bytes, read once), as the cache hit does, and a third
    proxies every request to that page with the frontend's session settings.

    It runs the way the services run (`storefront.common.runner.run`: same event loop, same server
    settings) but on aiohttp's own AppRunner, without the service layer (request id, metrics, JSON
    errors), so the ratios measure the application, not a difference in how the servers are run."""
    import aiohttp
    from aiohttp import web
    from storefront.common.runner import run

    with urlopen(same_body_from) as response:  # noqa: S310 (loopback http)
        products_page = response.read()

    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "items": [{"id": 1, "name": "baseline"}]})

    async def same_body(request: web.Request) -> web.Response:
        return web.Response(body=products_page, content_type="application/json")

    session_key = web.AppKey("session", aiohttp.ClientSession)

    async def session_ctx(app: web.Application):
        async with aiohttp.ClientSession(
            auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar()
        ) as session:
            app[session_key] = session
            yield

    async def bare_proxy(request: web.Request) -> web.Response:
        async with request.app[session_key].get(same_body_from) as upstream:
            body = await upstream.read()
        return web.Response(body=body, status=upstream.status, content_type="application/json")

    app = web.Application()
    app.cleanup_ctx.append(session_ctx)
    app.router.add_get("/", handler)
    app.router.add_get("/same-body", same_body)
    app.router.add_get("/bare-proxy", bare_proxy)
    if "runner_class" in inspect.signature(run).parameters:
        run(app, "127.0.0.1", port, access_log=False, runner_class=web.AppRunner)
    else:  # a copy of app/ (BENCH_APP_DIR) from before its runner carried the service layer
        run(app, "127.0.0.1", port, access_log=False)


@contextmanager
def bench_key_prefix():
    prefix = f"storefront-bench-{uuid.uuid4().hex[:8]}:"
    try:
        yield prefix
    finally:
        delete_keys_with_prefix(REDIS_URL, prefix)


@contextmanager
def service(command: list[str], env: dict[str, str], log_dir: Path, name: str):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            env=env | {"HOST": "127.0.0.1", "PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_http(url + "/healthz", process, name, log_path)
        yield Server(url, process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait()


def run_wrk(url: str, pids: list[int], seconds: int, connections: int, *, warm_up: bool) -> Result:
    """One wrk run (after a 1 s warm-up on the first round), with the CPU time the servers spent on it."""
    if warm_up:
        subprocess.run(["wrk", "-t1", f"-c{connections}", "-d1s", url], check=True, capture_output=True)
    cpu_before = cpu_seconds(pids)
    done = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    )
    cpu = cpu_seconds(pids) - cpu_before
    requests = int(re.search(r"^\s*(\d+) requests in", done.stdout, re.MULTILINE).group(1))
    return Result(
        _requests_per_second(done.stdout),
        _percentile(done.stdout, "50"),
        _percentile(done.stdout, "99"),
        requests / cpu if cpu else float("inf"),
    )


def measure(
    targets: dict[str, tuple[str, list[int]]], rounds: int, seconds: int, connections: int
) -> dict[str, Result]:
    """Round-robin over the targets, `rounds` times, and keep each target's median run (by rate; its CPU
    figure is the median of its own): the machine is shared, and interleaving spreads a burst of someone
    else's load over all targets instead of one."""
    runs: dict[str, list[Result]] = {name: [] for name in targets}
    for round_number in range(rounds):
        for name, (url, pids) in targets.items():
            runs[name].append(run_wrk(url, pids, seconds, connections, warm_up=round_number == 0))
    results = {}
    for name, samples in runs.items():
        median = sorted(samples)[len(samples) // 2]
        cpu_figures = sorted(sample.requests_per_cpu_second for sample in samples)
        median.requests_per_cpu_second = cpu_figures[len(cpu_figures) // 2]
        results[name] = median
    return results


def _requests_per_second(output: str) -> float:
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def _percentile(output: str, percent: str) -> float:
    value, unit = re.search(
        rf"^\s+{percent}(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE
    ).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def check_response(url: str, expected_cache: str | None) -> None:
    with urlopen(url) as response:  # noqa: S310 (loopback http)
        assert response.status == 200, url
        if expected_cache is not None:
            assert response.headers["X-Cache"] == expected_cache, (url, response.headers["X-Cache"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "3")))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "3")))
    parser.add_argument("--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", "32")))
    parser.add_argument(
        "--baseline-server", nargs=2, metavar=("PORT", "PRODUCTS_URL"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.baseline_server:
        baseline_server(int(args.baseline_server[0]), args.baseline_server[1])
        return
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    env = os.environ | {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(APP_DIR), os.environ.get("PYTHONPATH")]))
    }
    python = sys.executable
    with ExitStack() as stack:
        log_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-app-")))
        database_url = stack.enter_context(scratch_database(ADMIN_URL, f"storefront_bench_{os.getpid()}"))
        env |= {
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": stack.enter_context(bench_key_prefix()),
            "LOG_LEVEL": "INFO",
            "ACCESS_LOG": "true",
        }
        for command in ("migrate", "seed"):
            subprocess.run(
                [python, "-m", "storefront.backend", command], env=env, check=True, capture_output=True
            )

        backend_cmd = [python, "-m", "storefront.backend", "serve"]
        cached = stack.enter_context(service(backend_cmd, env, log_dir, "backend-cached"))
        baseline_port = free_port()
        baseline_process = subprocess.Popen(
            [python, __file__, "--baseline-server", str(baseline_port), cached.url + PRODUCTS_PATH], env=env
        )
        stack.callback(baseline_process.wait)
        stack.callback(baseline_process.send_signal, signal.SIGTERM)
        baseline = Server(f"http://127.0.0.1:{baseline_port}", baseline_process.pid)
        wait_for_http(baseline.url + "/", baseline_process, "the baseline server")

        uncached = stack.enter_context(
            service(backend_cmd, env | {"CACHE_ENABLED": "false"}, log_dir, "backend-uncached")
        )
        unlogged = stack.enter_context(
            service(backend_cmd, env | {"ACCESS_LOG": "false"}, log_dir, "backend-unlogged")
        )
        redis_every_time = stack.enter_context(
            service(backend_cmd, env | {"CACHE_LOCAL_TTL_SECONDS": "0"}, log_dir, "backend-redis-every-time")
        )
        frontend = stack.enter_context(
            service(
                [python, "-m", "storefront.frontend", "serve"],
                env | {"BACKEND_URL": cached.url},
                log_dir,
                "frontend",
            )
        )
        check_response(cached.url + PRODUCTS_PATH, None)
        check_response(cached.url + PRODUCTS_PATH, "HIT")
        check_response(uncached.url + PRODUCTS_PATH, "MISS")
        check_response(frontend.url + PRODUCTS_PATH, "HIT")
        check_response(unlogged.url + PRODUCTS_PATH, "HIT")
        check_response(redis_every_time.url + PRODUCTS_PATH, "HIT")
        check_response(baseline.url + "/bare-proxy", None)
        check_response(frontend.url + "/", None)
        # label, URL, and the processes that serve it (a proxy's CPU includes the backend's behind it)
        targets = {
            "baseline": ("bare aiohttp JSON handler", baseline.url + "/", [baseline]),
            "hit": ("GET /api/v1/products HIT", cached.url + PRODUCTS_PATH, [cached]),
            "miss": ("GET /api/v1/products MISS", uncached.url + PRODUCTS_PATH, [uncached]),
            "proxy": ("the same via the frontend proxy", frontend.url + PRODUCTS_PATH, [frontend, cached]),
            "bare proxy": ("bare aiohttp proxy of the HIT", baseline.url + "/bare-proxy", [baseline, cached]),
            "home": ("home page (frontend /)", frontend.url + "/", [frontend, cached]),
            "hit unlogged": ("HIT with ACCESS_LOG=false", unlogged.url + PRODUCTS_PATH, [unlogged]),
            "hit redis": (
                "HIT from Redis every time",
                redis_every_time.url + PRODUCTS_PATH,
                [redis_every_time],
            ),
            "same body": ("bare aiohttp, products bytes", baseline.url + "/same-body", [baseline]),
        }
        selected = [key.strip() for key in os.environ.get("BENCH_TARGETS", "").split(",") if key.strip()]
        if selected:
            targets = {key: targets[key] for key in selected}
        results = measure(
            {key: (url, [server.pid for server in servers]) for key, (_, url, servers) in targets.items()},
            args.rounds,
            args.seconds,
            args.connections,
        )
    report(results, {key: label for key, (label, _, _) in targets.items()}, args)


def report(results: dict[str, Result], labels: dict[str, str], args: argparse.Namespace) -> None:
    print(
        f"wrk, 1 thread, {args.connections} connections, median of {args.rounds} interleaved runs of "
        f"{args.seconds} s per target, loopback, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    base = results.get("baseline")
    print(
        f"{'target':34} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'x base':>7} "
        f"{'req/CPU-s':>10} {'x base':>7}"
    )
    for key, label in labels.items():
        result = results[key]
        rate, per_cpu = result.requests_per_second, result.requests_per_cpu_second
        ratio = f"{rate / base.requests_per_second:7.2f}" if base else f"{'':7}"
        cpu_ratio = f"{per_cpu / base.requests_per_cpu_second:7.2f}" if base else f"{'':7}"
        print(
            f"{label:34} {rate:8.0f} {result.p50_ms:7.2f} {result.p99_ms:7.2f} {ratio} "
            f"{per_cpu:10.0f} {cpu_ratio}"
        )
    print("\ntargets (figures only; nothing fails on time): ratio of req/s, and of req per CPU-second")
    for what, measured, compared_with, minimum in RATIO_TARGETS:
        if measured not in results or compared_with not in results:
            continue
        ratio = results[measured].requests_per_second / results[compared_with].requests_per_second
        cpu_ratio = results[measured].requests_per_cpu_second / results[compared_with].requests_per_cpu_second
        verdict = "met" if ratio >= minimum else "NOT met"
        print(f"  {what:50} {ratio:6.2f} (CPU {cpu_ratio:5.2f})  target >= {minimum:<5} {verdict}")
    for what, measured, compared_with in RATIOS_FOR_SCALE:
        if measured in results and compared_with in results:
            ratio = results[measured].requests_per_second / results[compared_with].requests_per_second
            cpu_ratio = (
                results[measured].requests_per_cpu_second / results[compared_with].requests_per_cpu_second
            )
            print(f"  {what:50} {ratio:6.2f} (CPU {cpu_ratio:5.2f})  for scale")
    if "hit" in results:
        hit = results["hit"]
        tail = hit.p99_ms / hit.p50_ms
        verdict = "met" if tail <= HIT_P99_OVER_P50 else "NOT met"
        print(f"  {'products HIT p99 / p50':50} {tail:6.2f}{'':13}target <= {HIT_P99_OVER_P50:<5} {verdict}")


if __name__ == "__main__":
    main()
