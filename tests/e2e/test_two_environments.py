"""Two environments of the project in one account (issue 7, shared-account safety): each converges
without touching the other, and the first one's teardown leaves the second whole, the shared GitHub
OIDC provider included. Fresh sandbox of its own; the steps run in file order.

It runs the bootstrap phase, where the account-wide resource lives; the later phases create nothing
account-wide, and converging and tearing them down for two environments would double the test's time.
"""

from __future__ import annotations

import json

import pytest

FIRST, SECOND = "sandbox", "staging"
CONVERGE, TEARDOWN = "playbooks/bootstrap.yml", "playbooks/teardown/bootstrap.yml"
SANDBOX_COMPONENTS = ("aws",)  # the bootstrap phase only
PROVIDER = "token.actions.githubusercontent.com"


def names(environment: str) -> dict[str, str]:
    prefix = f"ecommerce-demo-{environment}"
    return {
        "role": f"{prefix}-github-actions",
        "table": f"{prefix}-tfstate-locks",
        "bucket_prefix": f"{prefix}-tfstate-",
        "backend": f"{prefix}/backend",
        "frontend": f"{prefix}/frontend",
    }


def inventory_of(sandbox, environment: str) -> dict:
    """What exists of one environment, read with boto3 straight from the APIs."""
    n = names(environment)
    iam, ecr = sandbox.client("iam"), sandbox.client("ecr")
    repositories = {r["repositoryName"]: r for r in ecr.describe_repositories()["repositories"]}
    tags = {
        name: {
            t["Key"]: t["Value"] for t in ecr.list_tags_for_resource(resourceArn=r["repositoryArn"])["tags"]
        }
        for name, r in repositories.items()
    }
    return {
        "role": n["role"] in {r["RoleName"] for r in iam.list_roles()["Roles"]},
        "table": n["table"] in sandbox.client("dynamodb").list_tables()["TableNames"],
        "bucket": any(
            b["Name"].startswith(n["bucket_prefix"]) for b in sandbox.client("s3").list_buckets()["Buckets"]
        ),
        "repositories": sorted(name for name in repositories if name in (n["backend"], n["frontend"])),
        "environment tags": sorted(
            {tags[name].get("Environment") for name in (n["backend"], n["frontend"]) if name in tags}
        ),
    }


def provider(sandbox) -> dict | None:
    iam = sandbox.client("iam")
    for entry in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
        if entry["Arn"].endswith(f":oidc-provider/{PROVIDER}"):
            return iam.get_open_id_connect_provider(OpenIDConnectProviderArn=entry["Arn"])
    return None


def changed_task_names(run) -> list[str]:
    """The names of the tasks that reported a change, on any host, for a failure message."""
    return sorted(
        {
            task["task"]["name"]
            for play in run.document["plays"]
            for task in play["tasks"]
            for result in task["hosts"].values()
            if result.get("changed") or any(item.get("changed") for item in result.get("results") or [])
        }
    )


@pytest.fixture(scope="module")
def play(sandbox):
    def run(playbook: str, environment: str, *args: str):
        result = sandbox.playbook(playbook, "-e", f"project_environment={environment}", *args)
        assert result.returncode == 0, result.output
        return result

    return run


def test_both_environments_converge_side_by_side(sandbox, play):
    play(CONVERGE, FIRST)
    # Someone else's audience and tag on the shared provider: no environment may remove them.
    iam = sandbox.client("iam")
    arn = next(p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"])
    iam.tag_open_id_connect_provider(
        OpenIDConnectProviderArn=arn, Tags=[{"Key": "Owner", "Value": "other-team"}]
    )
    play(CONVERGE, SECOND)
    for environment in (FIRST, SECOND):
        n = names(environment)
        assert inventory_of(sandbox, environment) == {
            "role": True,
            "table": True,
            "bucket": True,
            "repositories": [n["backend"], n["frontend"]],
            "environment tags": [environment],
        }
    shared = provider(sandbox)
    tags = {t["Key"]: t["Value"] for t in shared["Tags"]}
    assert tags["Owner"] == "other-team"
    assert "Environment" not in tags
    # Converging one environment again changes nothing of the other (nor of itself).
    again = play(CONVERGE, FIRST)
    assert again.changed == 0, changed_task_names(again)


def test_the_first_teardown_leaves_the_second_environment_whole(sandbox, play):
    teardown = play(TEARDOWN, FIRST, "-e", "teardown_state_backend=true")
    assert "Kept the OIDC provider" in json.dumps(teardown.document), teardown.output
    assert inventory_of(sandbox, FIRST) == {
        "role": False,
        "table": False,
        "bucket": False,
        "repositories": [],
        "environment tags": [],
    }
    assert inventory_of(sandbox, SECOND)["repositories"] == [
        names(SECOND)["backend"],
        names(SECOND)["frontend"],
    ]
    assert provider(sandbox)["ClientIDList"] == ["sts.amazonaws.com"]
    check = play(CONVERGE, SECOND, "--check")
    assert check.changed == 0, check.output


def test_the_last_teardown_deletes_the_provider_no_one_trusts_any_more(sandbox, play):
    play(TEARDOWN, SECOND, "-e", "teardown_state_backend=true")
    assert inventory_of(sandbox, SECOND)["role"] is False
    assert provider(sandbox) is None
