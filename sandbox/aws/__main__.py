"""`python -m sandbox.aws serve --port 4566`: moto in server mode with the fidelity patches applied.

Requests are counted per service at `GET /_sandbox/requests` (sandbox/aws/request_count.py).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from sandbox.config import HOST, SETTINGS


def serve(host: str, port: int, kube_state_dir: Path | None = None) -> None:
    # Must be set before moto's IAM backend loads: roles attach AWS managed policies by ARN.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    from sandbox.aws.fidelity import apply_all
    from sandbox.aws.request_count import RequestCounter

    patched = apply_all()
    if kube_state_dir is not None:
        from sandbox import eks_bridge

        eks_bridge.install(kube_state_dir)
        patched.append(f"eks_bridge (Kubernetes emulator in {kube_state_dir})")
    try:
        server = make_server(
            host,
            port,
            RequestCounter(DomainDispatcherApplication(create_backend_app)),
            threaded=True,
            request_handler=MotoRequestHandler,
        )
    except OSError as exc:
        sys.exit(f"sandbox AWS: cannot listen on {host}:{port}: {exc.strerror}")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(
        f"sandbox AWS (moto) listening on http://{host}:{port} with patches: {', '.join(patched)}", flush=True
    )
    stop.wait()
    server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.aws")
    sub = parser.add_subparsers(dest="command", required=True)
    serve_cmd = sub.add_parser("serve", help="run moto with the fidelity patches")
    serve_cmd.add_argument("--host", default=HOST)
    serve_cmd.add_argument("--port", type=int, default=SETTINGS.aws_port)
    serve_cmd.add_argument(
        "--kube-state-dir",
        type=Path,
        help="back EKS clusters with the Kubernetes emulator whose state is here (sandbox/eks_bridge.py)",
    )
    args = parser.parse_args()
    serve(args.host, args.port, args.kube_state_dir)


if __name__ == "__main__":
    main()
