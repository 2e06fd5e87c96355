"""dynamodb_table_settings runs end to end, in-process.

moto's DynamoDB (moto.mock_aws: no server, no shared state) implements DescribeContinuousBackups,
UpdateContinuousBackups and UpdateTable's DeletionProtectionEnabled, so most behaviours run against it.
AWS's refusal to enable point-in-time recovery on a table created moments ago
(ContinuousBackupsUnavailableException), which moto never gives, is played by a botocore Stubber.
"""

from unittest import mock

import boto3
import pytest
import yaml
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.dynamodb_table_settings import (
    PITR_RETRY,
    longest_retry_wait,
)
from ansible_collections.ecommerce_demo.platform.plugins.modules import (
    dynamodb_table_settings as settings_module,
)
from moto import mock_aws

REGION = "us-east-1"
TABLE = "terraform-locks"
TABLE_ARN = f"arn:aws:dynamodb:{REGION}:123456789012:table/{TABLE}"


@pytest.fixture
def dynamodb():
    with mock_aws():
        client = boto3.client(
            "dynamodb", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
        )
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client


def pitr_enabled(dynamodb):
    description = dynamodb.describe_continuous_backups(TableName=TABLE)["ContinuousBackupsDescription"]
    return description["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"


def deletion_protected(dynamodb):
    return dynamodb.describe_table(TableName=TABLE)["Table"]["DeletionProtectionEnabled"]


# --- against moto ----------------------------------------------------------------------------------


def test_enable_then_no_change(dynamodb, run_module):
    enabled = run_module(
        settings_module, diff=True, name=TABLE, point_in_time_recovery=True, deletion_protection=True
    )
    assert enabled["changed"] is True
    assert enabled["table_name"] == TABLE
    assert enabled["table_arn"] == TABLE_ARN
    assert enabled["point_in_time_recovery"] is True
    assert enabled["deletion_protection"] is True
    assert enabled["diff"] == {
        "before": {"point_in_time_recovery": False, "deletion_protection": False},
        "after": {"point_in_time_recovery": True, "deletion_protection": True},
    }
    assert pitr_enabled(dynamodb)
    assert deletion_protected(dynamodb)

    again = run_module(settings_module, name=TABLE, point_in_time_recovery=True, deletion_protection=True)
    assert again["changed"] is False
    assert again["point_in_time_recovery"] is True
    assert again["deletion_protection"] is True


def test_check_mode_predicts_and_changes_nothing(dynamodb, run_module):
    predicted = run_module(
        settings_module,
        check_mode=True,
        diff=True,
        name=TABLE,
        point_in_time_recovery=True,
        deletion_protection=True,
    )
    assert predicted["changed"] is True
    assert predicted["point_in_time_recovery"] is True
    assert predicted["deletion_protection"] is True
    assert predicted["diff"]["after"] == {"point_in_time_recovery": True, "deletion_protection": True}
    assert not pitr_enabled(dynamodb)
    assert not deletion_protected(dynamodb)


def test_only_given_settings_are_managed(dynamodb, run_module):
    dynamodb.update_table(TableName=TABLE, DeletionProtectionEnabled=True)

    result = run_module(settings_module, name=TABLE, point_in_time_recovery=True)
    assert result["changed"] is True
    assert result["deletion_protection"] is True
    assert deletion_protected(dynamodb)

    read_only = run_module(settings_module, name=TABLE)
    assert read_only["changed"] is False
    assert read_only["point_in_time_recovery"] is True
    assert read_only["deletion_protection"] is True


def test_turning_deletion_protection_off_allows_deleting_the_table(dynamodb, run_module):
    dynamodb.update_table(TableName=TABLE, DeletionProtectionEnabled=True)
    dynamodb.update_continuous_backups(
        TableName=TABLE, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )

    result = run_module(settings_module, name=TABLE, deletion_protection=False, point_in_time_recovery=False)
    assert result["changed"] is True
    assert result["deletion_protection"] is False
    assert result["point_in_time_recovery"] is False
    assert not pitr_enabled(dynamodb)
    dynamodb.delete_table(TableName=TABLE)


def test_missing_table_fails_with_its_name(dynamodb, run_module):
    result = run_module(settings_module, name="no-such-table", point_in_time_recovery=True)
    assert result["failed"] is True
    assert "DynamoDB table no-such-table does not exist" in result["msg"]


def test_check_mode_predicts_the_settings_of_a_table_still_to_be_created(dynamodb, run_module):
    result = run_module(
        settings_module,
        check_mode=True,
        diff=True,
        name="no-such-table",
        point_in_time_recovery=True,
        deletion_protection=False,
    )
    assert result["changed"] is True
    assert "table_arn" not in result
    assert result["diff"] == {
        "before": {"point_in_time_recovery": False, "deletion_protection": False},
        "after": {"point_in_time_recovery": True, "deletion_protection": False},
    }
    assert dynamodb.list_tables()["TableNames"] == [TABLE]
    unchanged = run_module(settings_module, check_mode=True, name="no-such-table", deletion_protection=False)
    assert unchanged["changed"] is False


def test_the_documented_retry_time_is_the_one_the_module_waits():
    longest = longest_retry_wait(**PITR_RETRY)
    assert longest == 365
    description = " ".join(
        yaml.safe_load(settings_module.DOCUMENTATION)["options"]["point_in_time_recovery"]["description"]
    )
    assert f"at most {longest} seconds" in description
    assert f"tries {PITR_RETRY['retries']} times" in description


# --- against a Stubber: what moto never answers -----------------------------------------------------


@pytest.fixture
def stubbed_dynamodb(stubbed_client):
    stubber = stubbed_client("dynamodb")
    # The retries back off with time.sleep; the test needs their order, not their pauses.
    with mock.patch("ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep") as sleep:
        yield stubber, sleep


def expect_read(stubber, pitr):
    stubber.add_response(
        "describe_table",
        {"Table": {"TableName": TABLE, "TableArn": TABLE_ARN, "TableStatus": "ACTIVE"}},
        {"TableName": TABLE},
    )
    stubber.add_response(
        "describe_continuous_backups",
        {
            "ContinuousBackupsDescription": {
                "ContinuousBackupsStatus": "ENABLED",
                "PointInTimeRecoveryDescription": {
                    "PointInTimeRecoveryStatus": "ENABLED" if pitr else "DISABLED"
                },
            }
        },
        {"TableName": TABLE},
    )


def test_pitr_update_is_retried_while_backups_are_unavailable(stubbed_dynamodb, run_module):
    stubber, sleep = stubbed_dynamodb
    expect_read(stubber, pitr=False)
    update_request = {
        "TableName": TABLE,
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
    }
    for _ in range(2):
        stubber.add_client_error(
            "update_continuous_backups",
            service_error_code="ContinuousBackupsUnavailableException",
            service_message="Backups are being enabled for the table",
            expected_params=update_request,
        )
    stubber.add_response(
        "update_continuous_backups",
        {"ContinuousBackupsDescription": {"ContinuousBackupsStatus": "ENABLED"}},
        update_request,
    )
    expect_read(stubber, pitr=True)

    result = run_module(settings_module, name=TABLE, point_in_time_recovery=True)
    assert result["changed"] is True
    assert result["point_in_time_recovery"] is True
    assert sleep.call_count == 2


def test_check_mode_makes_no_changing_call(stubbed_dynamodb, run_module):
    # The Stubber fails on any call not queued: only the two reads are.
    stubber, _ = stubbed_dynamodb
    expect_read(stubber, pitr=False)
    result = run_module(
        settings_module, check_mode=True, name=TABLE, point_in_time_recovery=True, deletion_protection=True
    )
    assert result["changed"] is True
    assert result["point_in_time_recovery"] is True
