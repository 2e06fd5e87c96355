#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: metric_alarms
version_added: 0.1.0
short_description: CloudWatch metric alarms, tagged at creation, several in one call
description:
  - Creates, updates or deletes CloudWatch metric alarms on a single metric each, in one invocation.
  - Tags the alarms at creation and keeps their tags (upstream M(amazon.aws.cloudwatch_metric_alarm) cannot
    tag, so a left-over alarm would be invisible to a sweep by tag), and shows what changes in diff mode.
author:
  - ecommerce_demo.platform maintainers (@ecommerce-demo)
options:
  state:
    description:
      - V(present) creates or updates the alarms; V(absent) deletes those that exist.
    type: str
    choices: [present, absent]
    default: present
  alarms:
    description:
      - The alarms. With O(state=absent) only their names are used.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The alarm name.
        type: str
        required: true
      namespace:
        description: The metric namespace (V(AWS/RDS), V(AWS/CloudFront)).
        type: str
      metric_name:
        description: The metric.
        type: str
      dimensions:
        description: The metric dimensions.
        type: dict
      statistic:
        description: The statistic.
        type: str
        choices: [SampleCount, Average, Sum, Minimum, Maximum]
      period:
        description: Seconds over which the statistic is applied.
        type: int
      evaluation_periods:
        description: Periods over which the data is compared with the threshold.
        type: int
      datapoints_to_alarm:
        description: Breaching datapoints within O(alarms[].evaluation_periods) that trigger the alarm.
        type: int
      threshold:
        description: The threshold.
        type: float
      comparison:
        description: How the statistic is compared with the threshold.
        type: str
        choices:
          - GreaterThanOrEqualToThreshold
          - GreaterThanThreshold
          - LessThanThreshold
          - LessThanOrEqualToThreshold
      treat_missing_data:
        description: How missing data points are treated.
        type: str
        choices: [breaching, notBreaching, ignore, missing]
        default: missing
      description:
        description: The alarm description.
        type: str
        default: ""
      unit:
        description: The unit of the metric.
        type: str
      alarm_actions:
        description: ARNs notified when the alarm fires (SNS topics, ...).
        type: list
        elements: str
        default: []
      ok_actions:
        description: ARNs notified when the alarm returns to OK.
        type: list
        elements: str
        default: []
  tags:
    description:
      - Tags of every alarm, applied at creation. Not given leaves the tags as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove tags not listed in O(tags).
    type: bool
    default: true
notes:
  - "IAM permissions: C(cloudwatch:DescribeAlarms), C(cloudwatch:PutMetricAlarm), C(cloudwatch:DeleteAlarms),
    C(cloudwatch:ListTagsForResource), C(cloudwatch:TagResource), C(cloudwatch:UntagResource)."
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Shows each alarm's settings and tags before and after.
    support: full
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Alarm on the CPU of the database
  ecommerce_demo.platform.metric_alarms:
    alarms:
      - name: ecommerce-demo-rds-cpu
        namespace: AWS/RDS
        metric_name: CPUUtilization
        dimensions:
          DBInstanceIdentifier: ecommerce-demo
        statistic: Average
        period: 300
        evaluation_periods: 3
        threshold: 80
        comparison: GreaterThanThreshold
    tags:
      Project: ecommerce-demo

- name: Delete it
  ecommerce_demo.platform.metric_alarms:
    state: absent
    alarms:
      - name: ecommerce-demo-rds-cpu
"""

RETURN = r"""
alarms:
  description: Per alarm, its ARN and whether and how this run changed it.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The alarm name.
      returned: always
      type: str
      sample: ecommerce-demo-rds-cpu
    arn:
      description: The alarm ARN; null when it does not exist (or would only be created, in check mode).
      returned: always
      type: str
      sample: arn:aws:cloudwatch:us-east-1:123456789012:alarm:ecommerce-demo-rds-cpu
    changed:
      description: Whether the alarm was (or would be) created, updated, retagged or deleted.
      returned: always
      type: bool
      sample: true
    changed_settings:
      description: The PutMetricAlarm keys that differed.
      returned: always
      type: list
      elements: str
      sample: [Threshold]
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags
from ansible_collections.ecommerce_demo.platform.plugins.module_utils import metric_alarms


class CloudWatchErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleAWSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("ResourceNotFound")


@CloudWatchErrorHandler.common_error_handler("describe alarms")
def describe_alarms(client, names):
    found = {}
    for start in range(0, len(names), 100):  # DescribeAlarms takes at most 100 names
        pages = client.get_paginator("describe_alarms").paginate(
            AlarmNames=names[start : start + 100], AlarmTypes=["MetricAlarm"]
        )
        for alarm in pages.build_full_result()["MetricAlarms"]:
            found[alarm["AlarmName"]] = alarm
    return found


@CloudWatchErrorHandler.list_error_handler("list alarm tags", {})
def get_tags(client, arn):
    return boto3_tag_list_to_ansible_dict(
        client.list_tags_for_resource(ResourceARN=arn, aws_retry=True)["Tags"]
    )


@CloudWatchErrorHandler.common_error_handler("put alarm")
def put_alarm(client, request):
    client.put_metric_alarm(aws_retry=True, **request)


@CloudWatchErrorHandler.common_error_handler("update alarm tags")
def update_tags(client, check_mode, arn, current, desired, purge):
    to_set, to_remove = compare_aws_tags(current, desired, purge_tags=purge)
    if not to_set and not to_remove:
        return False
    if not check_mode:
        if to_remove:
            client.untag_resource(ResourceARN=arn, TagKeys=to_remove, aws_retry=True)
        if to_set:
            client.tag_resource(ResourceARN=arn, Tags=ansible_dict_to_boto3_tag_list(to_set), aws_retry=True)
    return True


@CloudWatchErrorHandler.deletion_error_handler("delete alarms")
def delete_alarms(client, names):
    client.delete_alarms(AlarmNames=names, aws_retry=True)


def ensure_present(module, client, existing):
    params = module.params
    results, before, after = [], {}, {}
    for alarm in params["alarms"]:
        request = metric_alarms.alarm_request(alarm)
        current = existing.get(alarm["name"])
        changed_settings = metric_alarms.differences(current, request)
        arn = current["AlarmArn"] if current else None
        current_tags = get_tags(client, arn) if current else {}
        if current is None:
            if params["tags"]:
                request["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
            if not module.check_mode:
                put_alarm(client, request)
            changed = True
        else:
            changed = bool(changed_settings)
            if changed and not module.check_mode:
                put_alarm(client, request)
            if params["tags"] is not None:
                changed |= update_tags(
                    client, module.check_mode, arn, current_tags, params["tags"], params["purge_tags"]
                )
        results.append(dict(name=alarm["name"], arn=arn, changed=changed, changed_settings=changed_settings))
        if current:
            before[alarm["name"]] = dict(metric_alarms.comparable(current), Tags=current_tags)
        wanted_tags = current_tags if params["tags"] is None else params["tags"]
        after[alarm["name"]] = dict(metric_alarms.comparable(request), Tags=wanted_tags)
    return results, before, after


def ensure_absent(module, client, existing):
    names = [a["name"] for a in module.params["alarms"] if a["name"] in existing]
    if names and not module.check_mode:
        delete_alarms(client, names)
    results = [
        dict(
            name=a["name"],
            arn=existing[a["name"]]["AlarmArn"] if a["name"] in existing else None,
            changed=a["name"] in existing,
            changed_settings=[],
        )
        for a in module.params["alarms"]
    ]
    before = {name: "present" for name in names}
    return results, before, {}


def main():
    alarm_options = dict(
        name=dict(type="str", required=True),
        namespace=dict(type="str"),
        metric_name=dict(type="str"),
        dimensions=dict(type="dict"),
        statistic=dict(type="str", choices=["SampleCount", "Average", "Sum", "Minimum", "Maximum"]),
        period=dict(type="int"),
        evaluation_periods=dict(type="int"),
        datapoints_to_alarm=dict(type="int"),
        threshold=dict(type="float"),
        comparison=dict(
            type="str",
            choices=[
                "GreaterThanOrEqualToThreshold",
                "GreaterThanThreshold",
                "LessThanThreshold",
                "LessThanOrEqualToThreshold",
            ],
        ),
        treat_missing_data=dict(
            type="str", choices=["breaching", "notBreaching", "ignore", "missing"], default="missing"
        ),
        description=dict(type="str", default=""),
        unit=dict(type="str"),
        alarm_actions=dict(type="list", elements="str", default=[]),
        ok_actions=dict(type="list", elements="str", default=[]),
    )
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        alarms=dict(type="list", elements="dict", required=True, options=alarm_options),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    if params["state"] == "present":
        required = [
            "namespace",
            "metric_name",
            "statistic",
            "period",
            "evaluation_periods",
            "threshold",
            "comparison",
        ]
        for alarm in params["alarms"]:
            missing = [option for option in required if alarm.get(option) is None]
            if missing:
                module.fail_json(msg=f"alarm {alarm['name']} lacks {', '.join(missing)}")

    client = module.client("cloudwatch", retry_decorator=AWSRetry.jittered_backoff())
    try:
        existing = describe_alarms(client, [a["name"] for a in params["alarms"]])
        if params["state"] == "present":
            results, before, after = ensure_present(module, client, existing)
            if not module.check_mode:
                created = describe_alarms(client, [r["name"] for r in results if r["arn"] is None])
                for result in results:
                    if result["arn"] is None and result["name"] in created:
                        result["arn"] = created[result["name"]]["AlarmArn"]
        else:
            results, before, after = ensure_absent(module, client, existing)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)

    result = dict(changed=any(r["changed"] for r in results), alarms=results)
    if module._diff:
        result["diff"] = dict(before=before, after=after)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
