"""A role given a wrong type, a bad value or no required variable fails before any AWS call,
with a message that names the variable.

Each case runs ansible-playbook on a one-task playbook that includes the role, with AWS pointed at
a port where nothing listens: had the role reached an AWS call, the failure would be a connection
error from that task instead of the validation message checked here.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.net import free_port

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
PLAYBOOK_BIN = Path(sys.executable).parent / "ansible-playbook"

VALID_GITHUB_OIDC_VARS = {"github_oidc_repositories": ["ecommerce-demo/platform"]}


@pytest.fixture(scope="module")
def closed_port():
    """A local port nobody listens on (bound, read, released)."""
    return free_port()


def run_role(tmp_path, closed_port, role, role_vars):
    inventory = tmp_path / "inventory.ini"
    inventory.write_text(f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n")
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(
        json.dumps(
            [
                {
                    "name": "Apply one role",
                    "hosts": "localhost",
                    "gather_facts": False,
                    "tasks": [{"name": "Apply the role", "ansible.builtin.include_role": {"name": role}}],
                }
            ]
        )
    )
    extra_vars = tmp_path / "vars.json"
    extra_vars.write_text(
        json.dumps(
            {
                "project_aws_endpoint_url": f"http://127.0.0.1:{closed_port}",
                "project_aws_access_key": "unused",
                "project_aws_secret_key": "unused",
                **role_vars,
            }
        )
    )
    environment = {
        **os.environ,
        "ANSIBLE_CONFIG": str(REPOSITORY_ROOT / "ansible.cfg"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
    }
    return subprocess.run(
        [str(PLAYBOOK_BIN), "-i", str(inventory), "-e", f"@{extra_vars}", str(playbook)],
        cwd=REPOSITORY_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("role_vars", "expected_messages"),
    [
        pytest.param({}, ["missing required arguments: github_oidc_repositories"], id="missing-required"),
        pytest.param(
            {**VALID_GITHUB_OIDC_VARS, "github_oidc_max_session_duration": "an hour"},
            ["github_oidc_max_session_duration", "int"],
            id="wrong-type-int",
        ),
        pytest.param(
            {"github_oidc_repositories": {"ecommerce-demo": "platform"}},
            ["github_oidc_repositories", "list"],
            id="wrong-type-list",
        ),
        pytest.param(
            {**VALID_GITHUB_OIDC_VARS, "github_oidc_state": "removed"},
            ["github_oidc_state", "present, absent"],
            id="wrong-choice",
        ),
    ],
)
def test_github_oidc_fails_argument_validation_naming_the_variable(
    tmp_path, closed_port, role_vars, expected_messages
):
    result = run_role(tmp_path, closed_port, "ecommerce_demo.platform.github_oidc", role_vars)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "github_oidc : Validating arguments against arg spec 'main'" in output
    assert "Validation of arguments failed" in output
    for message in expected_messages:
        assert message in output
    assert "Look up the account" not in output


@pytest.mark.parametrize(
    "repositories",
    [
        pytest.param([], id="empty"),
        pytest.param(["https://github.com/ecommerce-demo/platform"], id="url"),
        pytest.param(["ecommerce-demo/platform", "owner/repo:*"], id="wildcard-smuggled"),
    ],
)
def test_github_oidc_rejects_repositories_that_are_not_owner_repo(tmp_path, closed_port, repositories):
    result = run_role(
        tmp_path,
        closed_port,
        "ecommerce_demo.platform.github_oidc",
        {"github_oidc_repositories": repositories},
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "github_oidc_repositories must list at least one GitHub repository as owner/repo" in output
    assert "Look up the account" not in output


def test_github_oidc_with_valid_arguments_gets_as_far_as_aws(tmp_path, closed_port):
    """The control case: valid inputs pass validation and fail only at the first AWS call."""
    result = run_role(tmp_path, closed_port, "ecommerce_demo.platform.github_oidc", VALID_GITHUB_OIDC_VARS)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Look up the account" in output
    assert "Could not connect to the endpoint URL" in output
