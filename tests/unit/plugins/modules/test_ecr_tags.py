"""ecr_tags runs end to end, in-process, against moto's ECR (moto.mock_aws: no server, no shared state).

A botocore Stubber checks what moto cannot show: which calls check mode makes (none that change
anything) and that removed tags are untagged by key.
"""

import json
from unittest import mock

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.ecommerce_demo.platform.plugins.modules import ecr_tags as tags_module
from botocore.stub import Stubber
from moto import mock_aws

REGION = "us-east-1"
CONNECTION = {"region": REGION, "access_key": "testing", "secret_key": "testing"}
MOTO_ACCOUNT = "123456789012"
REPOSITORY = "ecommerce-demo/backend"
REPOSITORY_ARN = f"arn:aws:ecr:{REGION}:{MOTO_ACCOUNT}:repository/{REPOSITORY}"
TAGS = {"Project": "ecommerce-demo", "Environment": "sandbox", "ManagedBy": "ansible"}


def run(capsys, check_mode=False, diff=False, **args):
    """Run the module's main() with these arguments; return its JSON result."""
    module_args = {**CONNECTION, **args, "_ansible_check_mode": check_mode, "_ansible_diff": diff}
    with patch_module_args(module_args), pytest.raises(SystemExit):
        tags_module.main()
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def ecr():
    with mock_aws():
        client = boto3.client(
            "ecr", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
        )
        client.create_repository(repositoryName=REPOSITORY)
        yield client


def tags_of(ecr):
    tags = ecr.list_tags_for_resource(resourceArn=REPOSITORY_ARN)["tags"]
    return {tag["Key"]: tag["Value"] for tag in tags}


def test_tag_then_no_change(ecr, capsys):
    tagged = run(capsys, diff=True, name=REPOSITORY, tags=TAGS)
    assert tagged["changed"] is True
    assert tagged["repository_arn"] == REPOSITORY_ARN
    assert tagged["tags"] == TAGS
    assert tagged["diff"] == {"before": {"tags": {}}, "after": {"tags": TAGS}}
    assert tags_of(ecr) == TAGS

    again = run(capsys, name=REPOSITORY, registry_id=MOTO_ACCOUNT, tags=TAGS)
    assert again["changed"] is False
    assert again["tags"] == TAGS


def test_check_mode_predicts_and_changes_nothing(ecr, capsys):
    ecr.tag_resource(resourceArn=REPOSITORY_ARN, tags=[{"Key": "Stale", "Value": "x"}])
    predicted = run(capsys, check_mode=True, diff=True, name=REPOSITORY, tags=TAGS)
    assert predicted["changed"] is True
    assert predicted["tags"] == TAGS
    assert predicted["diff"]["before"] == {"tags": {"Stale": "x"}}
    assert tags_of(ecr) == {"Stale": "x"}


def test_purge_removes_tags_not_given(ecr, capsys):
    ecr.tag_resource(
        resourceArn=REPOSITORY_ARN, tags=[{"Key": "Stale", "Value": "x"}, {"Key": "Project", "Value": "old"}]
    )
    result = run(capsys, name=REPOSITORY, tags=TAGS)
    assert result["changed"] is True
    assert result["tags"] == TAGS
    assert tags_of(ecr) == TAGS


def test_without_purge_tags_are_only_added_or_updated(ecr, capsys):
    ecr.tag_resource(
        resourceArn=REPOSITORY_ARN,
        tags=[{"Key": "Owner", "Value": "platform"}, {"Key": "Project", "Value": "old"}],
    )
    result = run(capsys, name=REPOSITORY, tags={"Project": "ecommerce-demo"}, purge_tags=False)
    assert result["changed"] is True
    assert result["tags"] == {"Owner": "platform", "Project": "ecommerce-demo"}
    assert tags_of(ecr) == {"Owner": "platform", "Project": "ecommerce-demo"}

    assert (
        run(capsys, name=REPOSITORY, tags={"Project": "ecommerce-demo"}, purge_tags=False)["changed"] is False
    )


def test_empty_tags_remove_every_tag_and_no_tags_change_nothing(ecr, capsys):
    ecr.tag_resource(resourceArn=REPOSITORY_ARN, tags=[{"Key": "Owner", "Value": "platform"}])
    untouched = run(capsys, name=REPOSITORY)
    assert untouched["changed"] is False
    assert untouched["tags"] == {"Owner": "platform"}

    cleared = run(capsys, name=REPOSITORY, tags={})
    assert cleared["changed"] is True
    assert cleared["tags"] == {}
    assert tags_of(ecr) == {}


def test_missing_repository_fails_with_its_name(ecr, capsys):
    for check_mode in (False, True):
        result = run(capsys, check_mode=check_mode, name="ecommerce-demo/nothing", tags=TAGS)
        assert result["failed"] is True
        assert "ECR repository ecommerce-demo/nothing does not exist" in result["msg"]


# --- against a Stubber: the exact calls --------------------------------------------------------------


@pytest.fixture
def stubbed_ecr():
    client = boto3.client(
        "ecr", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    with (
        Stubber(client) as stubber,
        mock.patch(
            "ansible_collections.amazon.aws.plugins.module_utils.modules.boto3_conn", return_value=client
        ),
    ):
        yield stubber
        stubber.assert_no_pending_responses()


def expect_read(stubber, tags):
    stubber.add_response(
        "describe_repositories",
        {"repositories": [{"repositoryName": REPOSITORY, "repositoryArn": REPOSITORY_ARN}]},
        {"repositoryNames": [REPOSITORY]},
    )
    stubber.add_response(
        "list_tags_for_resource",
        {"tags": [{"Key": key, "Value": value} for key, value in tags.items()]},
        {"resourceArn": REPOSITORY_ARN},
    )


def test_check_mode_makes_no_changing_call(stubbed_ecr, capsys):
    # The Stubber fails on any call not queued: only the two reads are.
    expect_read(stubbed_ecr, {"Stale": "x"})
    result = run(capsys, check_mode=True, name=REPOSITORY, tags=TAGS)
    assert result["changed"] is True


def test_removed_tags_are_untagged_by_key_and_changed_ones_set(stubbed_ecr, capsys):
    expect_read(stubbed_ecr, {"Stale": "x", "Project": "old", "ManagedBy": "ansible", "aws:reserved": "kept"})
    stubbed_ecr.add_response("untag_resource", {}, {"resourceArn": REPOSITORY_ARN, "tagKeys": ["Stale"]})
    stubbed_ecr.add_response(
        "tag_resource",
        {},
        {"resourceArn": REPOSITORY_ARN, "tags": [{"Key": "Project", "Value": "ecommerce-demo"}]},
    )
    stubbed_ecr.add_response(
        "list_tags_for_resource",
        {
            "tags": [
                {"Key": "Project", "Value": "ecommerce-demo"},
                {"Key": "ManagedBy", "Value": "ansible"},
                {"Key": "aws:reserved", "Value": "kept"},
            ]
        },
        {"resourceArn": REPOSITORY_ARN},
    )
    result = run(capsys, name=REPOSITORY, tags={"Project": "ecommerce-demo", "ManagedBy": "ansible"})
    assert result["changed"] is True
    assert result["tags"] == {"Project": "ecommerce-demo", "ManagedBy": "ansible", "aws:reserved": "kept"}
