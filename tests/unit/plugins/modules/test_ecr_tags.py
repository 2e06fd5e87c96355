"""ecr_tags runs end to end, in-process, against moto's ECR (moto.mock_aws: no server, no shared state).

A botocore Stubber checks what moto cannot show: which calls check mode makes (none that change
anything) and that removed tags are untagged by key.
"""

import pytest
from ansible_collections.ecommerce_demo.platform.plugins.modules import ecr_tags as tags_module

REGION = "us-east-1"
MOTO_ACCOUNT = "123456789012"
REPOSITORY = "ecommerce-demo/backend"
REPOSITORY_ARN = f"arn:aws:ecr:{REGION}:{MOTO_ACCOUNT}:repository/{REPOSITORY}"
TAGS = {"Project": "ecommerce-demo", "Environment": "sandbox", "ManagedBy": "ansible"}


@pytest.fixture
def ecr(moto_client):
    client = moto_client("ecr")
    client.create_repository(repositoryName=REPOSITORY)
    return client


def tags_of(ecr):
    tags = ecr.list_tags_for_resource(resourceArn=REPOSITORY_ARN)["tags"]
    return {tag["Key"]: tag["Value"] for tag in tags}


def test_tag_then_no_change(ecr, run_module):
    tagged = run_module(tags_module, diff=True, name=REPOSITORY, tags=TAGS)
    assert tagged["changed"] is True
    assert tagged["repository_arn"] == REPOSITORY_ARN
    assert tagged["tags"] == TAGS
    assert tagged["diff"] == {"before": {"tags": {}}, "after": {"tags": TAGS}}
    assert tags_of(ecr) == TAGS

    again = run_module(tags_module, name=REPOSITORY, registry_id=MOTO_ACCOUNT, tags=TAGS)
    assert again["changed"] is False
    assert again["tags"] == TAGS


def test_check_mode_predicts_and_changes_nothing(ecr, run_module):
    ecr.tag_resource(resourceArn=REPOSITORY_ARN, tags=[{"Key": "Stale", "Value": "x"}])
    predicted = run_module(tags_module, check_mode=True, diff=True, name=REPOSITORY, tags=TAGS)
    assert predicted["changed"] is True
    assert predicted["tags"] == TAGS
    assert predicted["diff"]["before"] == {"tags": {"Stale": "x"}}
    assert tags_of(ecr) == {"Stale": "x"}


def test_purge_removes_tags_not_given(ecr, run_module):
    ecr.tag_resource(
        resourceArn=REPOSITORY_ARN, tags=[{"Key": "Stale", "Value": "x"}, {"Key": "Project", "Value": "old"}]
    )
    result = run_module(tags_module, name=REPOSITORY, tags=TAGS)
    assert result["changed"] is True
    assert result["tags"] == TAGS
    assert tags_of(ecr) == TAGS


def test_without_purge_tags_are_only_added_or_updated(ecr, run_module):
    ecr.tag_resource(
        resourceArn=REPOSITORY_ARN,
        tags=[{"Key": "Owner", "Value": "platform"}, {"Key": "Project", "Value": "old"}],
    )
    result = run_module(tags_module, name=REPOSITORY, tags={"Project": "ecommerce-demo"}, purge_tags=False)
    assert result["changed"] is True
    assert result["tags"] == {"Owner": "platform", "Project": "ecommerce-demo"}
    assert tags_of(ecr) == {"Owner": "platform", "Project": "ecommerce-demo"}

    assert (
        run_module(tags_module, name=REPOSITORY, tags={"Project": "ecommerce-demo"}, purge_tags=False)[
            "changed"
        ]
        is False
    )


def test_empty_tags_remove_every_tag_and_no_tags_change_nothing(ecr, run_module):
    ecr.tag_resource(resourceArn=REPOSITORY_ARN, tags=[{"Key": "Owner", "Value": "platform"}])
    untouched = run_module(tags_module, name=REPOSITORY)
    assert untouched["changed"] is False
    assert untouched["tags"] == {"Owner": "platform"}

    cleared = run_module(tags_module, name=REPOSITORY, tags={})
    assert cleared["changed"] is True
    assert cleared["tags"] == {}
    assert tags_of(ecr) == {}


def test_missing_repository_fails_with_its_name(ecr, run_module):
    for check_mode in (False, True):
        result = run_module(tags_module, check_mode=check_mode, name="ecommerce-demo/nothing", tags=TAGS)
        assert result["failed"] is True
        assert "ECR repository ecommerce-demo/nothing does not exist" in result["msg"]


def test_a_registry_without_the_repository_fails_with_its_name(stubbed_ecr, run_module):
    stubbed_ecr.add_response(
        "describe_repositories",
        {"repositories": []},
        {"repositoryNames": [REPOSITORY], "registryId": "210987654321"},
    )
    result = run_module(tags_module, name=REPOSITORY, registry_id="210987654321", tags=TAGS)
    assert result["failed"] is True
    assert result["msg"].startswith(
        f"ECR repository {REPOSITORY} does not exist in registry 210987654321; create it first"
    )


# --- against a Stubber: the exact calls --------------------------------------------------------------


@pytest.fixture
def stubbed_ecr(stubbed_client):
    return stubbed_client("ecr")


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


def test_check_mode_makes_no_changing_call(stubbed_ecr, run_module):
    # The Stubber fails on any call not queued: only the two reads are.
    expect_read(stubbed_ecr, {"Stale": "x"})
    result = run_module(tags_module, check_mode=True, name=REPOSITORY, tags=TAGS)
    assert result["changed"] is True


def test_removed_tags_are_untagged_by_key_and_changed_ones_set(stubbed_ecr, run_module):
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
    result = run_module(
        tags_module, name=REPOSITORY, tags={"Project": "ecommerce-demo", "ManagedBy": "ansible"}
    )
    assert result["changed"] is True
    assert result["tags"] == {"Project": "ecommerce-demo", "ManagedBy": "ansible", "aws:reserved": "kept"}
