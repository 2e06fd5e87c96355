"""The services roles (secrets, database, monitoring) on a fresh sandbox: --check on the empty account
predicts exactly the tasks a real run changes; the real run at -vvv never shows a generated secret value;
a second run and --check change nothing; a changed backup retention is planned by --check --diff and
applied by the next run; teardown leaves nothing tagged, and a second teardown changes nothing.

The steps depend on each other and run in file order (one module-scoped sandbox).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PLAYBOOK = "tests/e2e/playbooks/services_roles.yml"
TAGS = {"Project": "ecommerce-demo", "Environment": "sandbox"}


def run(sandbox, *args: str) -> tuple[int, str, dict[str, bool]]:
    """ansible-playbook with the default callback; returns the return code, the whole output, and
    for every task banner whether any of its results said changed."""
    env = {**sandbox.env, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_FORCE_COLOR": "0"}
    env.pop("ANSIBLE_STDOUT_CALLBACK", None)
    result = subprocess.run(
        [str(BIN / "ansible-playbook"), PLAYBOOK, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    changed: dict[str, bool] = {}
    task = None
    for line in output.splitlines():
        banner = re.match(r"^TASK \[(.+?)\] \*+$", line)
        if banner:
            task = banner.group(1)
            changed.setdefault(task, False)
        elif task and re.match(r"^changed: \[localhost\]", line):
            changed[task] = True
    return result.returncode, output, changed


# Under --check the database role's plan step, a twin of the same name, stands in for rds_instance.
DB_INSTANCE = (
    "ecommerce_demo.platform.database : Create or update the DB instance, without waiting (wait.yml waits)"
)


def changed_tasks(changed: dict[str, bool]) -> list[str]:
    return sorted(task for task, was_changed in changed.items() if was_changed)


def recap_changed(output: str) -> int:
    return int(re.search(r"localhost\s+: ok=\d+\s+changed=(\d+)", output).group(1))


@pytest.fixture(scope="module")
def network(sandbox, tmp_path_factory) -> str:
    """The network facts the database role consumes, for a VPC made here; returns an extra-vars file."""
    ec2 = sandbox.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.60.{i}.0/24", AvailabilityZone=f"us-east-1{az}")[
            "Subnet"
        ]["SubnetId"]
        for i, az in ((21, "a"), (22, "b"))
    ]
    group = ec2.create_security_group(GroupName="services-db", Description="db", VpcId=vpc)["GroupId"]
    path = tmp_path_factory.mktemp("services") / "network.json"
    path.write_text(
        json.dumps(
            {"network_database_subnet_ids": subnets, "network_security_group_ids": {"database": group}}
        )
    )
    return f"@{path}"


@pytest.fixture(scope="module")
def state() -> dict:
    return {}


def secret_values(sandbox) -> list[str]:
    secrets = sandbox.client("secretsmanager")
    values = []
    for name, key in (
        ("ecommerce-demo-sandbox/rds-password", "password"),
        ("ecommerce-demo-sandbox/redis-auth", "auth_token"),
    ):
        values.append(json.loads(secrets.get_secret_value(SecretId=name)["SecretString"])[key])
    return values


def test_check_on_empty_predicts_what_the_run_changes_and_no_value_is_shown(sandbox, network, state):
    code, planned_output, planned = run(sandbox, "-e", network, "--check", "--diff")
    assert code == 0, planned_output[-6000:]
    code, output, applied = run(sandbox, "-e", network, "--diff", "-vvv")
    assert code == 0, output[-6000:]
    assert changed_tasks(applied), output[-3000:]
    assert changed_tasks(planned) == changed_tasks(applied)

    values = secret_values(sandbox)
    assert all(len(value) >= 32 for value in values)
    for value in values:
        assert value not in output
        assert value not in planned_output
    state["values"] = values


def test_rotation_at_vvv_shows_no_value_either(sandbox, network, state):
    code, output, _ = run(sandbox, "-e", network, "-e", '{"secrets_rotate": ["cache"]}', "--diff", "-vvv")
    assert code == 0, output[-6000:]
    rotated = secret_values(sandbox)
    assert rotated[0] == state["values"][0]
    assert rotated[1] != state["values"][1]
    for value in rotated + state["values"]:
        assert value not in output


def test_second_run_and_check_change_nothing(sandbox, network):
    code, output, _ = run(sandbox, "-e", network)
    assert code == 0, output[-6000:]
    assert recap_changed(output) == 0, output[-6000:]
    code, output, _ = run(sandbox, "-e", network, "--check", "--diff")
    assert code == 0, output[-6000:]
    assert recap_changed(output) == 0, output[-6000:]


def test_changed_backup_retention_is_planned_then_applied(sandbox, network):
    drift = ("-e", network, "-e", '{"database_backup_retention_days": 3}')
    code, output, planned = run(sandbox, *drift, "--check", "--diff")
    assert code == 0, output[-6000:]
    assert planned[DB_INSTANCE] is True
    assert changed_tasks(planned) == [DB_INSTANCE]
    assert '-    "backup_retention_days": 7,' in output
    assert '+    "backup_retention_days": 3,' in output
    instance = sandbox.client("rds").describe_db_instances(DBInstanceIdentifier="ecommerce-demo-sandbox")
    assert instance["DBInstances"][0]["BackupRetentionPeriod"] == 7

    code, output, applied = run(sandbox, *drift)
    assert code == 0, output[-6000:]
    assert DB_INSTANCE in changed_tasks(applied)
    instance = sandbox.client("rds").describe_db_instances(DBInstanceIdentifier="ecommerce-demo-sandbox")
    assert instance["DBInstances"][0]["BackupRetentionPeriod"] == 3
    code, output, _ = run(sandbox, *drift, "--check")
    assert recap_changed(output) == 0, output[-6000:]


def test_teardown_leaves_nothing_tagged_and_is_idempotent(sandbox, network):
    code, output, _ = run(sandbox, "-e", network, "-e", "services_state=absent")
    assert code == 0, output[-6000:]
    tagging = sandbox.client("resourcegroupstaggingapi")
    filters = [{"Key": k, "Values": [v]} for k, v in TAGS.items()]
    left = [m["ResourceARN"] for m in tagging.get_resources(TagFilters=filters)["ResourceTagMappingList"]]
    assert left == []
    code, output, _ = run(sandbox, "-e", network, "-e", "services_state=absent")
    assert code == 0, output[-6000:]
    assert recap_changed(output) == 0, output[-6000:]
