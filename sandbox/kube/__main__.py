"""`python -m sandbox.kube serve|token` — see docs/sandbox-kubernetes.md."""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import logging
import signal
import ssl
import sys
from pathlib import Path

from aiohttp import web

from sandbox.kube import kubeconfig
from sandbox.kube.api import Cluster
from sandbox.kube.aws_controllers import AwsEndpoint
from sandbox.kube.controllers import Controllers
from sandbox.kube.resources import TypeRegistry
from sandbox.kube.server import create_app
from sandbox.kube.storage import Store

STATE_FILE = "state.json"
SHUTDOWN_GRACE_SECONDS = 2.0  # for requests in flight; watch streams are ended at once


async def serve(
    host: str,
    port: int,
    state_dir: Path,
    *,
    tls: bool,
    controllers_on: bool,
    aws_endpoint: str | None = None,
    aws_region: str = "us-east-1",
) -> int:
    state_dir.mkdir(parents=True, exist_ok=True)
    store = Store(state_dir / STATE_FILE)
    cluster = Cluster(store, TypeRegistry())
    cluster.load_crds()
    # The certificate is made once; its PEM is also each namespace's kube-root-ca.crt, as on EKS.
    cert_path, key_path = kubeconfig.ensure_certificate(state_dir)
    controllers = Controllers(
        cluster,
        workloads=controllers_on,
        ca_pem=cert_path.read_text(),
        aws=AwsEndpoint(aws_endpoint, aws_region) if aws_endpoint else None,
    )
    controllers.seed()
    token = kubeconfig.ensure_token(state_dir)
    ssl_context = None
    ca_path = None
    if tls:
        ca_path = cert_path
        ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ssl_context.load_cert_chain(ca_path, key_path)
    runner = web.AppRunner(
        create_app(cluster, frozenset({token})),
        access_log=None,
        handle_signals=False,
        shutdown_timeout=SHUTDOWN_GRACE_SECONDS,
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=ssl_context, reuse_address=True)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        reason = "the port is already in use" if error.errno == errno.EADDRINUSE else error.strerror
        print(f"kube emulator: cannot listen on {host}:{port}: {reason}", file=sys.stderr)
        return 2
    url = f"{'https' if tls else 'http'}://{host}:{port}"
    kubeconfig.write_kubeconfigs(state_dir, url, token, ca_path)
    controllers.start()
    print(f"kube emulator listening on {url}", flush=True)

    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopped.set)
    await stopped.wait()
    # State first: whatever happens to the connections, nothing written so far is lost.
    store.close()
    await controllers.stop()
    store.end_watches()
    await runner.cleanup()
    store.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox.kube", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the Kubernetes API emulator")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=6443)
    serve_parser.add_argument("--state-dir", type=Path, default=Path(".sandbox/kube"))
    serve_parser.add_argument("--tls", action="store_true", help="serve HTTPS with a self-signed certificate")
    serve_parser.add_argument(
        "--no-controllers", action="store_true", help="leave workload status alone (waits then time out)"
    )
    serve_parser.add_argument(
        "--aws-endpoint",
        help="the sandbox's AWS (moto) URL: External Secrets and the AWS Load Balancer Controller act on it",
    )
    serve_parser.add_argument("--aws-region", default="us-east-1", help="the region of --aws-endpoint")
    token_parser = commands.add_parser("token", help="print an ExecCredential (kubeconfig exec plugin)")
    token_parser.add_argument("--state-dir", type=Path, default=Path(".sandbox/kube"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "token":
        try:
            credential = kubeconfig.exec_credential(args.state_dir)
        except FileNotFoundError:
            print(f"kube emulator: no token in {args.state_dir}; start the emulator first", file=sys.stderr)
            return 1
        print(json.dumps(credential))
        return 0
    return asyncio.run(
        serve(
            args.host,
            args.port,
            args.state_dir,
            tls=args.tls,
            controllers_on=not args.no_controllers,
            aws_endpoint=args.aws_endpoint,
            aws_region=args.aws_region,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
