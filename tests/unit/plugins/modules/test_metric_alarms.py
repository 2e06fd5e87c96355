"""metric_alarms runs end to end, in-process, against moto's CloudWatch (moto.mock_aws)."""

import boto3
import pytest
from ansible_collections.ecommerce_demo.platform.plugins.modules import metric_alarms
from moto import mock_aws

TAGS = {"Project": "ecommerce-demo", "Environment": "sandbox"}
ALARMS = [
    {
        "name": "db-cpu",
        "namespace": "AWS/RDS",
        "metric_name": "CPUUtilization",
        "dimensions": {"DBInstanceIdentifier": "db"},
        "statistic": "Average",
        "period": 300,
        "evaluation_periods": 3,
        "threshold": 80,
        "comparison": "GreaterThanThreshold",
    },
    {
        "name": "db-storage",
        "namespace": "AWS/RDS",
        "metric_name": "FreeStorageSpace",
        "dimensions": {"DBInstanceIdentifier": "db"},
        "statistic": "Minimum",
        "period": 300,
        "evaluation_periods": 1,
        "threshold": 2147483648,
        "comparison": "LessThanThreshold",
    },
]


@pytest.fixture
def cloudwatch():
    with mock_aws():
        yield boto3.client(
            "cloudwatch",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


def tags_of(cloudwatch, arn):
    return {t["Key"]: t["Value"] for t in cloudwatch.list_tags_for_resource(ResourceARN=arn)["Tags"]}


def test_create_tagged_then_no_change(cloudwatch, run_module):
    planned = run_module(metric_alarms, check_mode=True, diff=True, alarms=ALARMS, tags=TAGS)
    assert planned["changed"] is True
    assert sorted(planned["diff"]["after"]) == ["db-cpu", "db-storage"]
    assert cloudwatch.describe_alarms()["MetricAlarms"] == []

    created = run_module(metric_alarms, alarms=ALARMS, tags=TAGS)
    assert created["changed"] is True
    arns = [a["arn"] for a in created["alarms"]]
    assert all(arn.startswith("arn:aws:cloudwatch:us-east-1:") for arn in arns)
    assert all(tags_of(cloudwatch, arn) == TAGS for arn in arns)

    assert run_module(metric_alarms, alarms=ALARMS, tags=TAGS)["changed"] is False
    assert run_module(metric_alarms, check_mode=True, alarms=ALARMS, tags=TAGS)["changed"] is False


def test_a_changed_threshold_is_planned_then_applied(cloudwatch, run_module):
    run_module(metric_alarms, alarms=ALARMS, tags=TAGS)
    changed = [{**ALARMS[0], "threshold": 90}, ALARMS[1]]
    planned = run_module(metric_alarms, check_mode=True, diff=True, alarms=changed, tags=TAGS)
    assert planned["changed"] is True
    assert planned["alarms"][0]["changed_settings"] == ["Threshold"]
    assert planned["alarms"][1]["changed"] is False
    assert planned["diff"]["before"]["db-cpu"]["Threshold"] == 80.0
    assert planned["diff"]["after"]["db-cpu"]["Threshold"] == 90.0
    assert run_module(metric_alarms, alarms=changed, tags=TAGS)["changed"] is True
    assert cloudwatch.describe_alarms(AlarmNames=["db-cpu"])["MetricAlarms"][0]["Threshold"] == 90.0
    assert run_module(metric_alarms, alarms=changed, tags=TAGS)["changed"] is False


def test_delete_is_idempotent(cloudwatch, run_module):
    run_module(metric_alarms, alarms=ALARMS, tags=TAGS)
    names = [{"name": a["name"]} for a in ALARMS]
    assert run_module(metric_alarms, state="absent", check_mode=True, alarms=names)["changed"] is True
    assert len(cloudwatch.describe_alarms()["MetricAlarms"]) == 2
    assert run_module(metric_alarms, state="absent", alarms=names)["changed"] is True
    assert cloudwatch.describe_alarms()["MetricAlarms"] == []
    assert run_module(metric_alarms, state="absent", alarms=names)["changed"] is False


def test_an_incomplete_alarm_fails(cloudwatch, run_module):
    failed = run_module(metric_alarms, alarms=[{"name": "x", "namespace": "AWS/RDS"}])
    assert failed["failed"] is True
    assert "metric_name" in failed["msg"]
