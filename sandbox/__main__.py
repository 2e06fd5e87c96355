"""`python -m sandbox up|down|status|reset|env [component ...]` — the sandbox's command line.

Components: aws (moto), kube (the Kubernetes API emulator), postgres, redis. Without names, all of them.
"""

from __future__ import annotations

import argparse
import shlex
import sys

from sandbox import components
from sandbox.config import SETTINGS
from sandbox.process import SandboxError

ALL = ["aws", "kube", "postgres", "redis"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("command", choices=["up", "down", "status", "reset", "env"])
    parser.add_argument(
        "components",
        nargs="*",
        choices=[*ALL, []],
        metavar="component",
        help=f"one or more of {', '.join(ALL)} (default: all)",
    )
    args = parser.parse_args(argv)
    names = args.components or ALL
    try:
        if args.command == "up":
            for line in components.up(names):
                print(line)
            _print_where()
        elif args.command == "down":
            for line in components.down(names):
                print(line)
        elif args.command == "reset":
            for line in components.reset(names):
                print(line)
        elif args.command == "status":
            for name, state, where in components.status():
                print(f"{name:<9} {state:<32} {where}")
        elif args.command == "env":
            for key, value in environment().items():
                print(f"export {key}={shlex.quote(value)}")
    except SandboxError as exc:
        print(f"sandbox: {exc}", file=sys.stderr)
        return 1
    return 0


def environment() -> dict[str, str]:
    """Variables that point tools at the sandbox (`eval "$(python -m sandbox env)"`)."""
    record = components.read_record()
    env = {
        "AWS_ENDPOINT_URL": SETTINGS.aws_endpoint,
        "AWS_ACCESS_KEY_ID": "sandbox",
        "AWS_SECRET_ACCESS_KEY": "sandbox",
        "AWS_DEFAULT_REGION": SETTINGS.region,
        "KUBECONFIG": str(SETTINGS.kubeconfig),
    }
    for store in ("postgres", "redis"):
        if url := record.get(f"{store}_url"):
            env[f"SANDBOX_{store.upper()}_URL"] = url
    return env


def _print_where() -> None:
    print(
        f'\nAWS endpoint  {SETTINGS.aws_endpoint}   (eval "$(.venv/bin/python -m sandbox env)" for the CLI)'
    )
    print(f"KUBECONFIG    {SETTINGS.kubeconfig}")


if __name__ == "__main__":
    sys.exit(main())
