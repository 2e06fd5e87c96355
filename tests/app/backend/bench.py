"""`make bench-app`: requests/s and p50/p99 latency of the storefront API on loopback, measured with wrk.

The targets, each loaded the same way in the same run:
  baseline    a bare aiohttp handler returning a small JSON document (what the framework costs);
  HIT         GET /api/v1/products?per_page=20 (5.6 KB) from the backend, answered from Redis;
  MISS        the same with CACHE_ENABLED=false, answered from PostgreSQL;
  proxy       the same through the frontend's /api proxy (to the caching backend);
  bare proxy  a bare aiohttp proxy of the cache hit (one ClientSession, read and return the bytes: no
              middleware, no header handling), the floor any aiohttp proxy of this backend stands on;
  home page   the frontend's / (HTML rendered from the backend's cached answers);
and, for scale, the cache hit with the access log off and a bare handler returning the same 5.6 KB.
The services run as in production (`python -m storefront.<service> serve`, the JSON access log on, as
ACCESS_LOG defaults) on their own database, created and dropped here; the baseline runs on the same runner
and event loop (uvloop) as the services. Each ratio is printed beside its target.
Figures only: nothing fails on time.
"""

from __future__ import annotations

import argparse
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

APP_DIR = Path(__file__).resolve().parents[3] / "app"
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
HIT_P99_OVER_P50 = 3.0


@dataclass
class Result:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float


def baseline_server(port: int, same_body_from: str) -> None:
    """The baseline: aiohttp with one JSON handler, no middleware, no access log. For scale, a second
    handler returns the products page itself (the bytes, read once), as the cache hit does, and a third
    proxies every request to that page with the frontend's session settings.

    It runs on the services' own runner (`storefront.common.runner.run`: same event loop, same server
    settings), so the ratios measure the application, not a difference in how the servers are run."""
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
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait()


def run_wrk(url: str, seconds: int, connections: int, *, warm_up: bool) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) of one wrk run, after a 1 s warm-up on the first round."""
    if warm_up:
        subprocess.run(["wrk", "-t1", f"-c{connections}", "-d1s", url], check=True, capture_output=True)
    done = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    )
    return _requests_per_second(done.stdout), _percentile(done.stdout, "50"), _percentile(done.stdout, "99")


def measure(targets: dict[str, str], rounds: int, seconds: int, connections: int) -> dict[str, Result]:
    """Round-robin over the targets, `rounds` times, and keep each target's median run: the machine is
    shared, and interleaving spreads a burst of someone else's load over all targets instead of one."""
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in targets}
    for round_number in range(rounds):
        for name, url in targets.items():
            runs[name].append(run_wrk(url, seconds, connections, warm_up=round_number == 0))
    results = {}
    for name, samples in runs.items():
        rate, p50, p99 = sorted(samples)[len(samples) // 2]
        results[name] = Result(name, rate, p50, p99)
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
        baseline = subprocess.Popen(
            [python, __file__, "--baseline-server", str(baseline_port), cached + PRODUCTS_PATH], env=env
        )
        stack.callback(baseline.wait)
        stack.callback(baseline.send_signal, signal.SIGTERM)
        baseline_url = f"http://127.0.0.1:{baseline_port}/"
        wait_for_http(baseline_url, baseline, "the baseline server")

        uncached = stack.enter_context(
            service(backend_cmd, env | {"CACHE_ENABLED": "false"}, log_dir, "backend-uncached")
        )
        unlogged = stack.enter_context(
            service(backend_cmd, env | {"ACCESS_LOG": "false"}, log_dir, "backend-unlogged")
        )
        frontend = stack.enter_context(
            service(
                [python, "-m", "storefront.frontend", "serve"],
                env | {"BACKEND_URL": cached},
                log_dir,
                "frontend",
            )
        )
        check_response(cached + PRODUCTS_PATH, None)
        check_response(cached + PRODUCTS_PATH, "HIT")
        check_response(uncached + PRODUCTS_PATH, "MISS")
        check_response(frontend + PRODUCTS_PATH, "HIT")
        check_response(unlogged + PRODUCTS_PATH, "HIT")
        check_response(baseline_url + "bare-proxy", None)

        check_response(frontend + "/", None)
        targets = {
            "baseline": ("bare aiohttp JSON handler", baseline_url),
            "hit": ("GET /api/v1/products HIT", cached + PRODUCTS_PATH),
            "miss": ("GET /api/v1/products MISS", uncached + PRODUCTS_PATH),
            "proxy": ("the same via the frontend proxy", frontend + PRODUCTS_PATH),
            "bare proxy": ("bare aiohttp proxy of the HIT", baseline_url + "bare-proxy"),
            "home": ("home page (frontend /)", frontend + "/"),
            "hit unlogged": ("HIT with ACCESS_LOG=false", unlogged + PRODUCTS_PATH),
            "same body": ("bare aiohttp, products bytes", baseline_url + "same-body"),
        }
        results = measure(
            {key: url for key, (_, url) in targets.items()}, args.rounds, args.seconds, args.connections
        )

    base = results["baseline"].requests_per_second
    print(
        f"wrk, 1 thread, {args.connections} connections, median of {args.rounds} interleaved runs of "
        f"{args.seconds} s per target, loopback, {os.cpu_count()} CPUs"
    )
    print(f"{'target':34} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'x baseline':>11}")
    for key, (label, _) in targets.items():
        result = results[key]
        rate, ratio = result.requests_per_second, result.requests_per_second / base
        print(f"{label:34} {rate:10.0f} {result.p50_ms:8.2f} {result.p99_ms:8.2f} {ratio:11.2f}")
    print("\ntargets (figures only; nothing fails on time):")
    for what, measured, compared_with, minimum in RATIO_TARGETS:
        ratio = results[measured].requests_per_second / results[compared_with].requests_per_second
        verdict = "met" if ratio >= minimum else "NOT met"
        print(f"  {what:52} {ratio:6.2f}  target >= {minimum:<5} {verdict}")
    hit = results["hit"]
    tail = hit.p99_ms / hit.p50_ms
    verdict = "met" if tail <= HIT_P99_OVER_P50 else "NOT met"
    print(f"  {'products HIT p99 / p50':52} {tail:6.2f}  target <= {HIT_P99_OVER_P50:<5} {verdict}")


if __name__ == "__main__":
    main()
