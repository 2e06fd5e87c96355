"""ecr_repository runs end to end, in-process, against moto's ECR (moto.mock_aws: no server, no shared state).

A botocore Stubber checks what moto cannot show: that the create call carries the tags (no untagged
window) and that check mode makes no changing call.
"""

import json

import boto3
import pytest
from ansible_collections.ecommerce_demo.platform.plugins.modules import ecr_repository as repository_module
from moto import mock_aws

REGION = "us-east-1"
ACCOUNT = "123456789012"
NAME = "ecommerce-demo-sandbox/backend"
ARN = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{NAME}"
TAGS = {"Project": "ecommerce-demo", "Environment": "sandbox", "ManagedBy": "ansible"}
POLICY = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "Expire untagged images",
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 7,
            },
            "action": {"type": "expire"},
        }
    ]
}
WANTED = dict(
    name=NAME, image_tag_mutability="immutable", scan_on_push=True, lifecycle_policy=POLICY, tags=TAGS
)


@pytest.fixture
def ecr():
    with mock_aws():
        yield boto3.client(
            "ecr", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
        )


def test_check_mode_on_nothing_predicts_the_repository_with_a_diff(ecr, run_module):
    predicted = run_module(repository_module, check_mode=True, diff=True, **WANTED)
    assert predicted["changed"] is True
    assert predicted["created"] is True
    assert predicted["diff"]["before"] == {}
    assert predicted["diff"]["after"] == {
        "image_tag_mutability": "IMMUTABLE",
        "scan_on_push": True,
        "encryption_type": "AES256",
        "lifecycle_policy": json.loads(json.dumps(POLICY, sort_keys=True)),
        "tags": dict(sorted(TAGS.items())),
    }
    assert "repository_uri" not in predicted["repository"]
    assert ecr.describe_repositories()["repositories"] == []


def test_create_then_no_change_and_the_prediction_was_right(ecr, run_module):
    predicted = run_module(repository_module, check_mode=True, diff=True, **WANTED)
    created = run_module(repository_module, diff=True, **WANTED)
    assert created["changed"] is True
    assert created["created"] is True
    assert created["diff"]["after"] == predicted["diff"]["after"]
    assert created["repository"]["repository_uri"].endswith(f"/{NAME}")
    repository = ecr.describe_repositories(repositoryNames=[NAME])["repositories"][0]
    assert repository["imageTagMutability"] == "IMMUTABLE"
    assert repository["imageScanningConfiguration"] == {"scanOnPush": True}
    tags = ecr.list_tags_for_resource(resourceArn=ARN)["tags"]
    assert {t["Key"]: t["Value"] for t in tags} == TAGS
    assert json.loads(ecr.get_lifecycle_policy(repositoryName=NAME)["lifecyclePolicyText"]) == POLICY

    for check_mode in (True, False):
        again = run_module(repository_module, check_mode=check_mode, diff=True, **WANTED)
        assert again["changed"] is False
        assert again["diff"]["before"] == again["diff"]["after"]


def test_drift_is_reported_in_check_mode_then_repaired(ecr, run_module):
    run_module(repository_module, **WANTED)
    ecr.put_image_tag_mutability(repositoryName=NAME, imageTagMutability="MUTABLE")
    ecr.delete_lifecycle_policy(repositoryName=NAME)
    ecr.tag_resource(resourceArn=ARN, tags=[{"Key": "Stray", "Value": "x"}])

    predicted = run_module(repository_module, check_mode=True, diff=True, **WANTED)
    assert predicted["changed"] is True
    before, after = predicted["diff"]["before"], predicted["diff"]["after"]
    assert (before["image_tag_mutability"], after["image_tag_mutability"]) == ("MUTABLE", "IMMUTABLE")
    assert before["lifecycle_policy"] is None
    assert after["lifecycle_policy"]["rules"][0]["rulePriority"] == 1
    assert "Stray" in before["tags"]
    assert "Stray" not in after["tags"]
    assert (
        ecr.describe_repositories(repositoryNames=[NAME])["repositories"][0]["imageTagMutability"]
        == "MUTABLE"
    )

    repaired = run_module(repository_module, diff=True, **WANTED)
    assert repaired["changed"] is True
    assert repaired["diff"]["after"] == after
    assert run_module(repository_module, **WANTED)["changed"] is False


def test_unmanaged_settings_are_left_alone_and_empty_policy_removes_it(ecr, run_module):
    run_module(repository_module, **WANTED)
    assert run_module(repository_module, name=NAME)["changed"] is False
    removed = run_module(repository_module, name=NAME, lifecycle_policy={})
    assert removed["changed"] is True
    assert removed["lifecycle_policy"] is None
    assert removed["tags"] == dict(sorted(TAGS.items()))


def test_another_encryption_fails_naming_both(ecr, run_module):
    run_module(repository_module, **WANTED)
    result = run_module(
        repository_module, **WANTED, encryption_type="KMS", kms_key=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/x"
    )
    assert result["failed"] is True
    assert "Cannot modify repository encryption type" in result["msg"]
    assert "AES256" in result["msg"]


def test_absent_with_check_mode_twin(ecr, run_module):
    run_module(repository_module, **WANTED)
    predicted = run_module(repository_module, check_mode=True, diff=True, name=NAME, state="absent")
    assert predicted["changed"] is True
    assert predicted["diff"]["after"] == {}
    assert len(ecr.describe_repositories()["repositories"]) == 1
    assert run_module(repository_module, name=NAME, state="absent")["changed"] is True
    assert ecr.describe_repositories()["repositories"] == []
    assert run_module(repository_module, name=NAME, state="absent")["changed"] is False


# --- against a Stubber: the exact calls --------------------------------------------------------------


@pytest.fixture
def stubbed_ecr(stubbed_client):
    return stubbed_client("ecr")


def test_names_converge_several_repositories_in_one_run(ecr, run_module):
    """One invocation for the role's repositories: each planned, created, then left alone; drift in one only
    changes that one."""
    names = [NAME, "ecommerce-demo-sandbox/frontend"]
    wanted = {**{k: v for k, v in WANTED.items() if k != "name"}, "names": names}
    plan = run_module(repository_module, check_mode=True, diff=True, **wanted)
    assert plan["changed"] is True
    assert [(r["name"], r["created"]) for r in plan["repositories"]] == [(n, True) for n in names]
    assert sorted(plan["diff"]["after"]) == sorted(names)
    assert ecr.describe_repositories()["repositories"] == []
    made = run_module(repository_module, **wanted)
    assert [r["repository"]["repository_name"] for r in made["repositories"]] == names
    assert all(
        r["repository"]["repository_uri"].endswith(n)
        for r, n in zip(made["repositories"], names, strict=True)
    )
    assert run_module(repository_module, **wanted)["changed"] is False
    ecr.put_image_tag_mutability(repositoryName=names[1], imageTagMutability="MUTABLE")
    drift = run_module(repository_module, check_mode=True, diff=True, **wanted)
    assert [r["changed"] for r in drift["repositories"]] == [False, True]
    assert drift["diff"]["before"][names[1]]["image_tag_mutability"] == "MUTABLE"
    assert run_module(repository_module, **wanted)["changed"] is True
    assert run_module(repository_module, **wanted)["changed"] is False


def test_name_and_names_exclude_each_other(ecr, run_module):
    assert run_module(repository_module, **{**WANTED, "names": [NAME]})["failed"] is True


def test_the_repository_is_created_with_its_tags_in_one_call(stubbed_ecr, run_module):
    stubbed_ecr.add_client_error("describe_repositories", "RepositoryNotFoundException")
    created = {
        "repositoryName": NAME,
        "repositoryArn": ARN,
        "registryId": ACCOUNT,
        "repositoryUri": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{NAME}",
        "imageTagMutability": "IMMUTABLE",
        "imageScanningConfiguration": {"scanOnPush": True},
        "encryptionConfiguration": {"encryptionType": "AES256"},
    }
    stubbed_ecr.add_response(
        "create_repository",
        {"repository": created},
        {
            "repositoryName": NAME,
            "imageTagMutability": "IMMUTABLE",
            "imageScanningConfiguration": {"scanOnPush": True},
            "tags": [{"Key": key, "Value": value} for key, value in TAGS.items()],
        },
    )
    stubbed_ecr.add_response(
        "put_lifecycle_policy",
        {},
        {"repositoryName": NAME, "lifecyclePolicyText": json.dumps(POLICY, sort_keys=True)},
    )
    stubbed_ecr.add_response(
        "describe_repositories", {"repositories": [created]}, {"repositoryNames": [NAME]}
    )
    stubbed_ecr.add_response(
        "get_lifecycle_policy", {"lifecyclePolicyText": json.dumps(POLICY)}, {"repositoryName": NAME}
    )
    stubbed_ecr.add_response(
        "list_tags_for_resource",
        {"tags": [{"Key": key, "Value": value} for key, value in TAGS.items()]},
        {"resourceArn": ARN},
    )
    result = run_module(repository_module, **WANTED)
    assert result["changed"] is True
    assert result["tags"] == dict(sorted(TAGS.items()))


def test_check_mode_makes_no_changing_call(stubbed_ecr, run_module):
    # The Stubber fails on any call not queued: only the reads are.
    stubbed_ecr.add_response(
        "describe_repositories",
        {"repositories": [{"repositoryName": NAME, "repositoryArn": ARN, "imageTagMutability": "MUTABLE"}]},
        {"repositoryNames": [NAME]},
    )
    stubbed_ecr.add_client_error("get_lifecycle_policy", "LifecyclePolicyNotFoundException")
    stubbed_ecr.add_response("list_tags_for_resource", {"tags": []}, {"resourceArn": ARN})
    result = run_module(repository_module, check_mode=True, **WANTED)
    assert result["changed"] is True
    assert result["repository"]["image_tag_mutability"] == "IMMUTABLE"


def test_a_refused_deletion_names_the_aws_error(stubbed_ecr, run_module):
    # roles/ecr/tasks/absent.yml explains RepositoryNotEmptyException by finding it in the message.
    stubbed_ecr.add_response(
        "describe_repositories",
        {"repositories": [{"repositoryName": NAME, "repositoryArn": ARN}]},
        {"repositoryNames": [NAME]},
    )
    stubbed_ecr.add_client_error("get_lifecycle_policy", "LifecyclePolicyNotFoundException")
    stubbed_ecr.add_response("list_tags_for_resource", {"tags": []}, {"resourceArn": ARN})
    stubbed_ecr.add_client_error(
        "delete_repository",
        "RepositoryNotEmptyException",
        "The repository cannot be deleted because it contains images",
    )
    result = run_module(repository_module, name=NAME, state="absent")
    assert result["failed"] is True
    assert "RepositoryNotEmptyException" in result["msg"]
