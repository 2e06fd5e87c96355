"""The pure part of dynamodb_table_settings: reading the settings from AWS's answers, and diffing them."""

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.dynamodb_table_settings import (
    comparable_settings,
    settings_from_aws,
    settings_to_change,
)

TABLE = "terraform-locks"
TABLE_ARN = f"arn:aws:dynamodb:us-east-1:123456789012:table/{TABLE}"


def test_settings_from_aws_reads_both_apis():
    table = {"TableName": TABLE, "TableArn": TABLE_ARN, "DeletionProtectionEnabled": True}
    backups = {
        "ContinuousBackupsStatus": "ENABLED",
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED"},
    }
    assert settings_from_aws(table, backups) == {
        "table_name": TABLE,
        "table_arn": TABLE_ARN,
        "point_in_time_recovery": True,
        "deletion_protection": True,
    }


def test_settings_from_aws_treats_missing_fields_as_off():
    settings = settings_from_aws(
        {"TableName": TABLE, "TableArn": TABLE_ARN}, {"ContinuousBackupsStatus": "ENABLED"}
    )
    assert settings["point_in_time_recovery"] is False
    assert settings["deletion_protection"] is False


def test_settings_to_change_ignores_unmanaged_and_equal_settings():
    current = {"point_in_time_recovery": False, "deletion_protection": True}
    assert settings_to_change(current, {"point_in_time_recovery": None, "deletion_protection": None}) == {}
    assert settings_to_change(current, {"point_in_time_recovery": False, "deletion_protection": True}) == {}
    assert settings_to_change(current, {"point_in_time_recovery": True, "deletion_protection": None}) == {
        "point_in_time_recovery": True
    }
    assert settings_to_change(current, {"point_in_time_recovery": None, "deletion_protection": False}) == {
        "deletion_protection": False
    }


def test_comparable_settings_holds_only_the_managed_settings():
    settings = {
        "table_name": TABLE,
        "table_arn": TABLE_ARN,
        "point_in_time_recovery": True,
        "deletion_protection": False,
    }
    assert comparable_settings(settings) == {"point_in_time_recovery": True, "deletion_protection": False}
