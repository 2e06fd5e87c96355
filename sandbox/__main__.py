"""`python -m sandbox up|down|status|reset|env [component ...]` — the sandbox's command line.

Components: aws (moto), kube (the Kubernetes API emulator), postgres, redis, and shop (the storefront's
local processes, which `up` never starts: `python -m sandbox shop ...`, run by the app_deploy role, does,
with the seeded credentials). Without names, all of them.

`python -m sandbox shop --database-secret NAME --cache-secret NAME [--check] [--absent]`: see
sandbox/shop.py.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys

from sandbox import components
from sandbox.config import SETTINGS
from sandbox.process import SandboxError

ALL = ["aws", "kube", "postgres", "redis"]
# Stopped first by `down`: the shop's processes use the others.
STOPPABLE = ["shop", *ALL]


def shop_main(argv: list[str]) -> int:
    from sandbox import shop  # boto3 and redis: imported only for this command

    parser = argparse.ArgumentParser(prog="python -m sandbox shop", description=shop.__doc__)
    parser.add_argument("--database-secret", required=True, help="Secrets Manager name of rds-password")
    parser.add_argument("--cache-secret", required=True, help="Secrets Manager name of redis-auth")
    parser.add_argument("--check", action="store_true", help="say what would change, change nothing")
    parser.add_argument("--absent", action="store_true", help="stop the processes, drop what was made")
    args = parser.parse_args(argv)
    try:
        result = shop.converge(args.database_secret, args.cache_secret, args.check, args.absent)
    except SandboxError as exc:
        print(f"sandbox: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["shop"]:
        return shop_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("command", choices=["up", "down", "status", "reset", "env"])
    parser.add_argument(
        "components",
        nargs="*",
        choices=[*STOPPABLE, []],
        metavar="component",
        help=f"one or more of {', '.join(STOPPABLE)} (default: all; `up` never starts shop)",
    )
    args = parser.parse_args(argv)
    names = args.components or (STOPPABLE if args.command == "down" else ALL)
    if args.command == "up" and "shop" in names:
        parser.error("the shop starts with `python -m sandbox shop --database-secret .. --cache-secret ..`")
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
