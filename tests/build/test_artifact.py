"""The collection as users install it: `ansible-galaxy collection build`, installed into an empty
collections path with its dependencies taken from the pinned `ansible` package (no Galaxy), read with
ansible-doc, and a phase playbook run from the installed copy against a sandbox of its own.

What ships is decided in galaxy.yml's `manifest` (README.md says why); the test holds the tarball to it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import yaml

from tests.support.sandbox_cli import private_sandbox

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GALAXY = yaml.safe_load((REPO / "galaxy.yml").read_text())
COLLECTION = f"{GALAXY['namespace']}.{GALAXY['name']}"

# The decision, as path patterns of the repository: what users run, read, and deploy; nothing else.
SHIPPED = [
    r"README\.md",
    r"COPYING",
    r"meta/runtime\.yml",
    r"plugins/[^/]+/[^/]+\.(py|yml)",
    r"roles/[^/]+/.+\.(yml|yaml|j2|json|md|py)",
    r"playbooks/.+\.yml",
    r"docs/[^/]+\.md",
    r"docs/docsite/.+\.(yml|rst)",
    r"changelogs/(changelog|config)\.yaml",
    r"app/chart/(?!ci/).+",
    r"app/storefront/frontend/static/.+",
]
# Never in the artifact, whatever a later pattern lets through.
NEVER = [
    r"sandbox/",
    r"tests/",
    r"molecule/",
    r"mk/",
    r"inventories/",
    r"(.*/)?\.",  # dotfiles anywhere (.helmignore is for `helm package`, which users do not run)
    r".*/__pycache__/",
    r".*\.pyc$",
]


def shipped(path: str) -> bool:
    if any(re.match(pattern, path) for pattern in NEVER):
        return False
    if path.startswith("docs/sandbox"):
        return False  # the sandbox is not shipped, so neither are its pages
    return any(re.fullmatch(pattern, path) for pattern in SHIPPED)


def run(*command: str | Path, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def tarball(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build")
    built = run(
        BIN / "ansible-galaxy", "collection", "build", "--output-path", out, REPO, env=os.environ, cwd=REPO
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (path,) = out.glob("*.tar.gz")
    return path


@pytest.fixture(scope="module")
def user_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A user's machine: an empty home and collections path, no project ansible.cfg."""
    home = tmp_path_factory.mktemp("user")
    (home / "ansible.cfg").write_text("[defaults]\nhost_key_checking = false\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "AWS_", "SANDBOX_"))}
    return env | {
        "HOME": str(home),
        "ANSIBLE_CONFIG": str(home / "ansible.cfg"),
        "ANSIBLE_COLLECTIONS_PATH": str(home / "collections"),
        "ANSIBLE_NOCOLOR": "1",
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
    }


@pytest.fixture(scope="module")
def installed(tarball: Path, user_env: dict[str, str]) -> Path:
    home = Path(user_env["HOME"])
    result = run(
        BIN / "ansible-galaxy",
        "collection",
        "install",
        tarball,
        "-p",
        home / "collections",
        env=user_env,
        cwd=home,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The dependencies come from the pinned ansible package, already on the machine: nothing downloaded.
    for dependency in GALAXY["dependencies"]:
        assert re.search(rf"'{re.escape(dependency)}:[^']+' is already installed", result.stdout), dependency
    return home / "collections" / "ansible_collections" / GALAXY["namespace"] / GALAXY["name"]


def test_the_tarball_holds_exactly_what_the_decision_ships(tarball: Path) -> None:
    with tarfile.open(tarball) as archive:
        files = {member.name for member in archive.getmembers() if member.isfile()}
    files -= {"MANIFEST.json", "FILES.json"}
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    expected = {path for path in tracked if shipped(path) and (REPO / path).is_file()}
    assert files - expected == set(), "shipped but not meant to be"
    assert expected - files == set(), "meant to ship but missing"
    # What the decision means in practice: the phases' roles and modules are there, the test stand-ins not.
    assert any(name.startswith("roles/project/") for name in files)
    assert "plugins/filter/irsa_trust_policy.yml" in files  # filter docs live beside the code
    assert "app/chart/Chart.yaml" in files
    assert not any(name.startswith(("sandbox/", "tests/", "molecule/")) for name in files)


def test_ansible_doc_lists_every_module_and_role_with_its_description(
    installed: Path, user_env: dict[str, str]
) -> None:
    home = Path(user_env["HOME"])
    modules = run(BIN / "ansible-doc", "-l", "-j", COLLECTION, env=user_env, cwd=home)
    assert modules.returncode == 0, modules.stderr
    listed = json.loads(modules.stdout)
    for source in sorted((installed / "plugins" / "modules").glob("*.py")):
        name = f"{COLLECTION}.{source.stem}"
        assert listed.get(name), f"{name} missing or without a short description"

    roles = run(BIN / "ansible-doc", "-t", "role", "-l", "-j", COLLECTION, env=user_env, cwd=home)
    assert roles.returncode == 0, roles.stderr
    listed_roles = json.loads(roles.stdout)
    for role in sorted(path.name for path in (installed / "roles").iterdir()):
        entry = listed_roles.get(f"{COLLECTION}.{role}")
        assert entry, f"role {role} missing"
        assert entry["entry_points"]["main"], f"role {role} without a description"


@pytest.fixture(scope="module")
def sandbox_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with private_sandbox(tmp_path_factory.mktemp("artifact-sandbox"), "aws") as env:
        yield env


def test_a_phase_playbook_runs_from_the_installed_copy(
    installed: Path, user_env: dict[str, str], sandbox_env: dict[str, str]
) -> None:
    home = Path(user_env["HOME"])
    endpoint = f"http://127.0.0.1:{sandbox_env['SANDBOX_AWS_PORT']}"
    inventory = home / "inventory.yml"
    inventory.write_text(
        yaml.safe_dump(
            {
                "all": {
                    "hosts": {
                        "localhost": {
                            "ansible_connection": "local",
                            "ansible_python_interpreter": sys.executable,
                        }
                    },
                    "vars": {
                        "project_environment": "artifact",
                        "project_aws_endpoint_url": endpoint,
                        "project_aws_access_key": "sandbox",
                        "project_aws_secret_key": "sandbox-dummy-secret-key",
                        "github_oidc_repositories": ["ecommerce-demo/platform"],
                    },
                }
            }
        )
    )
    playbook = BIN / "ansible-playbook"
    converge = run(playbook, "-i", inventory, f"{COLLECTION}.bootstrap", env=user_env, cwd=home)
    assert converge.returncode == 0, converge.stdout[-4000:] + converge.stderr[-2000:]
    # The roles ran from the installed copy, not from a checkout.
    assert str(REPO) not in converge.stdout

    ecr = boto3.client(
        "ecr",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    names = {repository["repositoryName"] for repository in ecr.describe_repositories()["repositories"]}
    # Environment-level names carry the environment (project_name_prefix: ecommerce-demo-artifact).
    assert {"ecommerce-demo-artifact/backend", "ecommerce-demo-artifact/frontend"} <= names

    teardown = run(playbook, "-i", inventory, f"{COLLECTION}.teardown.bootstrap", env=user_env, cwd=home)
    assert teardown.returncode == 0, teardown.stdout[-4000:] + teardown.stderr[-2000:]
    assert ecr.describe_repositories()["repositories"] == []
