"""Where the sandbox lives: its state directory, ports and the endpoints it publishes.

Every value can be overridden from the environment, so that two checkouts (or CI beside a developer's
sandbox) can run side by side.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class Settings:
    home: Path = Path(os.environ.get("SANDBOX_HOME", REPO_ROOT / ".sandbox"))
    aws_port: int = _port("SANDBOX_AWS_PORT", 4566)
    kube_port: int = _port("SANDBOX_KUBE_PORT", 6443)
    postgres_port: int = _port("SANDBOX_POSTGRES_PORT", 55432)
    redis_port: int = _port("SANDBOX_REDIS_PORT", 56379)
    # The storefront's local processes (sandbox/shop.py): the frontend is the shop's address.
    shop_port: int = _port("SANDBOX_SHOP_PORT", 8080)
    shop_backend_port: int = _port("SANDBOX_SHOP_BACKEND_PORT", 8081)
    region: str = os.environ.get("SANDBOX_REGION", "us-east-1")

    @property
    def aws_endpoint(self) -> str:
        return f"http://{HOST}:{self.aws_port}"

    @property
    def kube_server(self) -> str:
        return f"https://{HOST}:{self.kube_port}"

    @property
    def kubeconfig(self) -> Path:
        return self.home / "kube" / "kubeconfig"

    def state_dir(self, component: str) -> Path:
        path = self.home / component
        path.mkdir(parents=True, exist_ok=True)
        return path


SETTINGS = Settings()
