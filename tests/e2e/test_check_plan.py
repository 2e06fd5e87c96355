"""`--check --diff` is a plan: on an empty, a converged and a drifted account it reports exactly the
changes a real run then makes (issue 7). On the shared site (tests/e2e/conftest.py): its plan of the
empty account and its first converge, then a drifted and a repaired account (the plan of the converged
account, changed=0 with --diff, is test_site.py's); the steps run in file order and leave the account
converged.

Each step compares the set of changed task names of a check run with that of the real run after it,
so a task that a check run skips (or reports without a diff) while the real run changes it fails here.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import Run

PREFIX = "ecommerce-demo-sandbox"  # project_name_prefix of inventories/local (environment "sandbox")
ROLE = f"{PREFIX}-github-actions"
TABLE = f"{PREFIX}-tfstate-locks"
BACKEND, FRONTEND = f"{PREFIX}/backend", f"{PREFIX}/frontend"
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"

# The task (as the JSON callback names it, without the role prefix) that must report each drift.
BUCKET_TASK = "Create or update the state bucket "
DRIFT_TASKS = {
    "bucket": BUCKET_TASK,
    "repositories": "Create or update the repositories",
    "role": f"Create or update the role {ROLE}",
    "inline policy": "Remove inline policies that grant anything else",
    "pitr": "Set point-in-time recovery and deletion protection of the lock table",
}


# The roles whose every planned change must come with a diff (issue 7's pattern); the later phases'
# upstream modules (ec2_vpc_net, rds_instance, ...) report some creations without one.
DIFF_ROLES = {"state_backend", "ecr", "github_oidc"}


def changed_tasks(run: Run) -> dict[str, list[dict]]:
    """Task name (without its role's prefix) -> the results (one per loop item) that changed, on every
    host (the bootstrap roles run on hosts of their own, concurrently); each result notes its role."""
    changed: dict[str, list[dict]] = {}
    for play in run.document["plays"]:
        for task in play["tasks"]:
            role, _, name = task["task"]["name"].rpartition(" : ")
            for result in task["hosts"].values():
                results = result.get("results") or [result]
                hits = [r | {"role": role.rsplit(".", 1)[-1]} for r in results if r.get("changed")]
                if hits:
                    changed.setdefault(name, []).extend(hits)
    return changed


def diff_text(results: list[dict]) -> str:
    """Every diff of these results as one string (module before/after dicts or fact_diff's text)."""
    return json.dumps([r.get("diff") for r in results], sort_keys=True)


def bucket_name(sandbox) -> str:
    buckets = sandbox.client("s3").list_buckets()["Buckets"]
    names = [b["Name"] for b in buckets if b["Name"].startswith(f"{PREFIX}-tfstate-")]
    assert len(names) == 1, names
    return names[0]


def only(changed: dict[str, list[dict]], prefix: str) -> list[dict]:
    matches = [results for name, results in changed.items() if name.startswith(prefix)]
    assert len(matches) == 1, (prefix, sorted(changed))
    return matches[0]


@pytest.fixture(scope="module")
def play(site):
    def run(*args: str) -> tuple[Run, dict[str, list[dict]]]:
        result = site.playbook("site.yml", *args)
        assert result.returncode == 0, result.output
        return result, changed_tasks(result)

    return run


def test_check_on_an_empty_account_predicts_the_converge(site, site_empty_plan):
    check, planned = site_empty_plan, changed_tasks(site_empty_plan)
    converge, made = site.first_converge, changed_tasks(site.first_converge)  # site.yml --diff
    assert set(planned) == set(made), (sorted(planned), sorted(made))
    assert check.changed == converge.changed > 0
    assert any(r["role"] in DIFF_ROLES for results in planned.values() for r in results)
    for name, results in planned.items():
        in_diff_roles = [r for r in results if r["role"] in DIFF_ROLES]
        assert all(r.get("diff") for r in in_diff_roles), f"{name} reports a change without a diff"


def drift(sandbox) -> None:
    """Drift every bootstrap resource the ways issue 7 lists."""
    s3, ecr, iam, dynamodb = (sandbox.client(s) for s in ("s3", "ecr", "iam", "dynamodb"))
    bucket = bucket_name(sandbox)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    s3.delete_public_access_block(Bucket=bucket)
    s3.delete_bucket_policy(Bucket=bucket)
    ecr.put_image_tag_mutability(repositoryName=BACKEND, imageTagMutability="MUTABLE")
    ecr.delete_lifecycle_policy(repositoryName=FRONTEND)
    admin = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    iam.put_role_policy(RoleName=ROLE, PolicyName="break-glass", PolicyDocument=json.dumps(admin))
    iam.attach_role_policy(RoleName=ROLE, PolicyArn=ADMIN_ARN)
    trust = iam.get_role(RoleName=ROLE)["Role"]["AssumeRolePolicyDocument"]
    for statement in trust["Statement"]:
        statement["Condition"]["StringLike"] = {
            key: "repo:*" for key in statement["Condition"]["StringLike"]
        }  # any repository on GitHub
    iam.update_assume_role_policy(RoleName=ROLE, PolicyDocument=json.dumps(trust))
    dynamodb.update_continuous_backups(
        TableName=TABLE, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}
    )


def test_check_reports_every_drift_with_a_diff_and_the_run_repairs_exactly_those(site, play):
    drift(site)
    check, planned = play("--check", "--diff")
    assert {name for name in planned} == {
        name for name in planned if any(name.startswith(t) for t in DRIFT_TASKS.values())
    }, sorted(planned)
    assert len(planned) == len(DRIFT_TASKS), sorted(planned)

    bucket_diff = diff_text(only(planned, BUCKET_TASK))
    for shown in ("Suspended", "Enabled", "BlockPublicAcls", "DenyInsecureTransport", "aws:SecureTransport"):
        assert shown in bucket_diff, bucket_diff
    # One invocation for both repositories: its result lists each, its diff has them by name.
    [repositories] = only(planned, DRIFT_TASKS["repositories"])
    assert {r["name"] for r in repositories["repositories"] if r["changed"]} == {BACKEND, FRONTEND}
    before, after = repositories["diff"]["before"], repositories["diff"]["after"]
    assert before[BACKEND]["image_tag_mutability"] == "MUTABLE"
    assert after[BACKEND]["image_tag_mutability"] == "IMMUTABLE"
    assert before[FRONTEND]["lifecycle_policy"] is None
    assert after[FRONTEND]["lifecycle_policy"]["rules"]
    role_diff = diff_text(only(planned, DRIFT_TASKS["role"]))
    for shown in (ADMIN_ARN, "repo:*", "repo:ecommerce-demo/platform:*"):
        assert shown in role_diff, role_diff
    inline = only(planned, DRIFT_TASKS["inline policy"])
    assert [r["item"] for r in inline] == ["break-glass"]
    assert "break-glass" in inline[0]["diff"]["before"]
    assert "break-glass" not in inline[0]["diff"]["after"]
    pitr = only(planned, DRIFT_TASKS["pitr"])[0]["diff"]
    assert (pitr["before"]["point_in_time_recovery"], pitr["after"]["point_in_time_recovery"]) == (
        False,
        True,
    )

    # Nothing was touched by the check run.
    iam = site.client("iam")
    assert sorted(iam.list_role_policies(RoleName=ROLE)["PolicyNames"]) == [
        "break-glass",
        "ecr-push-eks-describe",
    ]

    converge, repaired = play("--diff")
    assert set(repaired) == set(planned), (sorted(planned), sorted(repaired))
    assert converge.changed == check.changed
    [repaired_repositories] = only(repaired, DRIFT_TASKS["repositories"])
    assert {r["name"] for r in repaired_repositories["repositories"] if r["changed"]} == {BACKEND, FRONTEND}

    s3 = site.client("s3")
    bucket = bucket_name(site)
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    assert "aws:SecureTransport" in s3.get_bucket_policy(Bucket=bucket)["Policy"]
    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == ["ecr-push-eks-describe"]
    assert iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"] == []


def test_after_the_repair_nothing_is_left_to_change(play):
    # The plan of the repaired account is empty; that a converged site's run changes nothing is
    # test_site.py's test_site_again_changes_nothing.
    check, planned = play("--check", "--diff")
    assert check.changed == 0, sorted(planned)
