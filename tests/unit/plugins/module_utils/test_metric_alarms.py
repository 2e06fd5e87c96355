"""metric_alarms: the request for an alarm, and what differs from the alarm AWS describes."""

from ansible_collections.ecommerce_demo.platform.plugins.module_utils import metric_alarms as ma

ALARM = {
    "name": "db-cpu",
    "namespace": "AWS/RDS",
    "metric_name": "CPUUtilization",
    "dimensions": {"DBInstanceIdentifier": "db"},
    "statistic": "Average",
    "period": 300,
    "evaluation_periods": 3,
    "threshold": 80,
    "comparison": "GreaterThanThreshold",
    "treat_missing_data": "missing",
    "description": "",
    "alarm_actions": ["arn:b", "arn:a"],
    "ok_actions": [],
}

# What DescribeAlarms returns for that alarm (no AlarmDescription, no Unit, no DatapointsToAlarm).
DESCRIBED = {
    "AlarmName": "db-cpu",
    "AlarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:db-cpu",
    "ActionsEnabled": True,
    "OKActions": [],
    "AlarmActions": ["arn:a", "arn:b"],
    "InsufficientDataActions": [],
    "MetricName": "CPUUtilization",
    "Namespace": "AWS/RDS",
    "Statistic": "Average",
    "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": "db"}],
    "Period": 300,
    "EvaluationPeriods": 3,
    "Threshold": 80.0,
    "ComparisonOperator": "GreaterThanThreshold",
    "TreatMissingData": "missing",
    "StateValue": "INSUFFICIENT_DATA",
}


def test_request():
    request = ma.alarm_request(ALARM)
    assert request["AlarmName"] == "db-cpu"
    assert request["Threshold"] == 80.0
    assert request["AlarmActions"] == ["arn:a", "arn:b"]
    assert request["Dimensions"] == [{"Name": "DBInstanceIdentifier", "Value": "db"}]
    assert "Unit" not in request
    assert "DatapointsToAlarm" not in request


def test_a_described_alarm_matching_the_request_has_no_differences():
    assert ma.differences(DESCRIBED, ma.alarm_request(ALARM)) == []


def test_an_absent_alarm_differs_in_everything():
    assert "Threshold" in ma.differences(None, ma.alarm_request(ALARM))


def test_changed_threshold_dimension_and_actions_are_found():
    changed = {
        **ALARM,
        "threshold": 90,
        "dimensions": {"DBInstanceIdentifier": "other"},
        "alarm_actions": [],
        "datapoints_to_alarm": 2,
    }
    assert ma.differences(DESCRIBED, ma.alarm_request(changed)) == [
        "AlarmActions",
        "DatapointsToAlarm",
        "Dimensions",
        "Threshold",
    ]


def test_an_empty_description_equals_an_omitted_one():
    assert ma.differences({**DESCRIBED, "AlarmDescription": ""}, ma.alarm_request(ALARM)) == []
    assert ma.differences(DESCRIBED, ma.alarm_request({**ALARM, "description": "x"})) == ["AlarmDescription"]
