# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure logic of the metric_alarms module: the PutMetricAlarm request for an alarm, and what differs from
the alarm DescribeAlarms returns. No AWS calls; unit-tested in tests/unit."""

from __future__ import annotations

# Module option -> PutMetricAlarm / DescribeAlarms key, for the settings compared as they are.
_SCALARS = {
    "namespace": "Namespace",
    "metric_name": "MetricName",
    "statistic": "Statistic",
    "period": "Period",
    "evaluation_periods": "EvaluationPeriods",
    "datapoints_to_alarm": "DatapointsToAlarm",
    "threshold": "Threshold",
    "comparison": "ComparisonOperator",
    "treat_missing_data": "TreatMissingData",
    "description": "AlarmDescription",
    "unit": "Unit",
}
_ACTIONS = {"alarm_actions": "AlarmActions", "ok_actions": "OKActions"}

# What AWS reports for a setting that was not given.
_AWS_DEFAULTS = {"TreatMissingData": "missing", "AlarmDescription": ""}


def alarm_request(alarm):
    """The PutMetricAlarm parameters (without tags) for one alarm of the module's ``alarms`` option."""
    request = {"AlarmName": alarm["name"], "ActionsEnabled": True}
    for option, key in _SCALARS.items():
        if alarm.get(option) is not None:
            request[key] = float(alarm[option]) if key == "Threshold" else alarm[option]
    for option, key in _ACTIONS.items():
        request[key] = sorted(alarm.get(option) or [])
    request["Dimensions"] = [
        {"Name": name, "Value": str(value)} for name, value in sorted((alarm.get("dimensions") or {}).items())
    ]
    return request


def comparable(alarm):
    """The settings of a described alarm (DescribeAlarms) or of a request, in one comparable form."""
    view = {}
    for key in [*_SCALARS.values(), "ActionsEnabled"]:
        value = alarm.get(key, _AWS_DEFAULTS.get(key))
        view[key] = float(value) if key == "Threshold" and value is not None else value
    for key in _ACTIONS.values():
        view[key] = sorted(alarm.get(key) or [])
    view["Dimensions"] = sorted((d["Name"], d["Value"]) for d in alarm.get("Dimensions") or [])
    return view


def differences(current, request):
    """The keys whose value differs between a described alarm and the request; every key when absent."""
    wanted = comparable(request)
    if current is None:
        return sorted(wanted)
    have = comparable(current)
    return sorted(key for key in wanted if have[key] != wanted[key])
