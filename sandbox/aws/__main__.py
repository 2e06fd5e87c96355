"""`python -m sandbox.aws serve --port 4566`: moto in server mode with the fidelity patches applied.

Requests are counted per service at `GET /_sandbox/requests` (sandbox/aws/request_count.py).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from sandbox.config import HOST, SETTINGS


def serve(host: str, port: int) -> None:
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
    args = parser.parse_args()
    serve(args.host, args.port)


if __name__ == "__main__":
    main()
