#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: log_groups
version_added: 0.1.0
short_description: CloudWatch Logs groups with their retention, encryption key and tags, several in one call
description:
  - Creates, updates or deletes CloudWatch Logs log groups in one invocation (upstream
    M(amazon.aws.cloudwatchlogs_log_group) manages one group per run).
  - Each group is read with one C(DescribeLogGroups) (by its name as prefix) and one C(ListTagsForResource);
    a converged group costs those two requests and nothing more.
  - A new group is created with its tags and key in the C(CreateLogGroup) call; the retention is then set.
    An existing group's retention, key and tags are corrected.
author:
  - ecommerce_demo.platform maintainers (@ecommerce-demo)
options:
  names:
    description:
      - The log group names.
    type: list
    elements: str
    required: true
  state:
    description:
      - V(present) creates or updates the groups; V(absent) deletes those that exist, with their logs.
    type: str
    choices: [present, absent]
    default: present
  retention:
    description:
      - Days to keep the events of each group, one of the values CloudWatch Logs accepts. Not given leaves
        a group's retention as it is (a new group keeps its events for ever).
    type: int
  kms_key_id:
    description:
      - ARN of the KMS key that encrypts each group's data. Not given leaves a group's key as it is (a new
        group is encrypted by CloudWatch Logs with its own).
    type: str
  tags:
    description:
      - Tags of every group, applied at creation. Not given leaves the tags as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove tags not listed in O(tags).
    type: bool
    default: true
notes:
  - "IAM permissions: C(logs:DescribeLogGroups), C(logs:ListTagsForResource), C(logs:CreateLogGroup),
    C(logs:PutRetentionPolicy), C(logs:AssociateKmsKey), C(logs:TagResource), C(logs:UntagResource),
    C(logs:DeleteLogGroup)."
seealso:
  - module: amazon.aws.cloudwatchlogs_log_group
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Shows each group's retention, key and tags before and after.
    support: full
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The cluster's and the app's log groups, two weeks of logs each
  ecommerce_demo.platform.log_groups:
    names:
      - /aws/eks/ecommerce-demo/cluster
      - /ecommerce-demo/app
    retention: 14
    tags:
      Project: ecommerce-demo

- name: Delete them and their logs
  ecommerce_demo.platform.log_groups:
    names:
      - /aws/eks/ecommerce-demo/cluster
      - /ecommerce-demo/app
    state: absent
"""

RETURN = r"""
log_groups:
  description: Per group, in the order of O(names), whether this run changed it and its ARN.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The group name.
      returned: always
      type: str
      sample: /ecommerce-demo/app
    arn:
      description: The group ARN (without the C(:*) suffix); null when it does not exist (or would only be
        created, in check mode).
      returned: always
      type: str
      sample: arn:aws:logs:us-east-1:123456789012:log-group:/ecommerce-demo/app
    changed:
      description: Whether the group was (or would be) created, updated or deleted.
      returned: always
      type: bool
      sample: false
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.errors import ErrorHandler
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.errors import fail_with_aws_error
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.errors import retry_decorator

ACCESS_HINT = (
    "Managing log groups needs logs:DescribeLogGroups, logs:ListTagsForResource, logs:CreateLogGroup, "
    "logs:PutRetentionPolicy, logs:AssociateKmsKey, logs:TagResource, logs:UntagResource and "
    "logs:DeleteLogGroup."
)
# The values PutRetentionPolicy accepts.
RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922)
RETENTION_DAYS += (3288, 3653)


def group_arn(group):
    # DescribeLogGroups gives the ARN with ":*" (its log streams); tagging wants it without.
    return group.get("logGroupArn") or group["arn"].removesuffix(":*")


@ErrorHandler.common_error_handler("describe the log group")
def describe(client, name):
    """The group named exactly ``name``, or None."""
    pages = client.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=name)
    for page in pages:
        for group in page["logGroups"]:
            if group["logGroupName"] == name:
                return group
    return None


@ErrorHandler.list_error_handler("list the tags of the log group", {})
def get_tags(client, arn):
    return client.list_tags_for_resource(resourceArn=arn, aws_retry=True).get("tags", {})


@ErrorHandler.common_error_handler("create the log group")
def create(client, name, kms_key_id, tags):
    request = {"logGroupName": name}
    if kms_key_id:
        request["kmsKeyId"] = kms_key_id
    if tags:
        request["tags"] = tags  # tagged in the same call: never a moment untagged
    client.create_log_group(aws_retry=True, **request)


@ErrorHandler.common_error_handler("set the retention of the log group")
def set_retention(client, name, days):
    client.put_retention_policy(logGroupName=name, retentionInDays=days, aws_retry=True)


@ErrorHandler.common_error_handler("set the KMS key of the log group")
def set_kms_key(client, name, kms_key_id):
    client.associate_kms_key(logGroupName=name, kmsKeyId=kms_key_id, aws_retry=True)


@ErrorHandler.common_error_handler("update the tags of the log group")
def set_tags(client, arn, to_set, to_remove):
    if to_remove:
        client.untag_resource(resourceArn=arn, tagKeys=to_remove, aws_retry=True)
    if to_set:
        client.tag_resource(resourceArn=arn, tags=to_set, aws_retry=True)


@ErrorHandler.deletion_error_handler("delete the log group")
def delete(client, name):
    client.delete_log_group(logGroupName=name, aws_retry=True)


def state_of(group, tags):
    """What the module manages of a group, for the diff; {} when it does not exist."""
    if group is None:
        return {}
    return {
        "retention": group.get("retentionInDays"),
        "kms_key_id": group.get("kmsKeyId"),
        "tags": tags,
    }


def ensure_present(module, client, name):
    """(changed, arn, before, after) of one group."""
    params = module.params
    group = describe(client, name)
    tags = get_tags(client, group_arn(group)) if group else {}
    before = state_of(group, tags)
    wanted = {
        "retention": params["retention"] if params["retention"] is not None else before.get("retention"),
        "kms_key_id": params["kms_key_id"] or before.get("kms_key_id"),
        "tags": tags if params["tags"] is None else params["tags"],
    }
    if group is None:
        if not module.check_mode:
            create(client, name, params["kms_key_id"], params["tags"])
            if params["retention"] is not None:
                set_retention(client, name, params["retention"])
            group = describe(client, name)
        return True, group_arn(group) if group else None, before, wanted

    changed = False
    if before["retention"] != wanted["retention"]:
        changed = True
        if not module.check_mode:
            set_retention(client, name, wanted["retention"])
    if before["kms_key_id"] != wanted["kms_key_id"]:
        changed = True
        if not module.check_mode:
            set_kms_key(client, name, wanted["kms_key_id"])
    if params["tags"] is not None:
        to_set, to_remove = compare_aws_tags(tags, params["tags"], purge_tags=params["purge_tags"])
        if to_set or to_remove:
            changed = True
            if not module.check_mode:
                set_tags(client, group_arn(group), to_set, to_remove)
            if not params["purge_tags"]:
                wanted["tags"] = {**tags, **params["tags"]}
    return changed, group_arn(group), before, wanted


def ensure_absent(module, client, name):
    group = describe(client, name)
    if group is None:
        return False, None, {}, {}
    if not module.check_mode:
        delete(client, name)
    return True, group_arn(group), state_of(group, get_tags(client, group_arn(group))), {}


def main():
    argument_spec = dict(
        names=dict(type="list", elements="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        retention=dict(type="int"),
        kms_key_id=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    retention = module.params["retention"]
    if retention is not None and retention not in RETENTION_DAYS:
        module.fail_json(
            msg=f"retention must be one of {', '.join(map(str, RETENTION_DAYS))}; got {retention}"
        )

    client = module.client("logs", retry_decorator=retry_decorator())
    converge = ensure_present if module.params["state"] == "present" else ensure_absent
    results, before, after = [], {}, {}
    try:
        for name in module.params["names"]:
            changed, arn, group_before, group_after = converge(module, client, name)
            results.append(dict(name=name, arn=arn, changed=changed))
            before[name], after[name] = group_before, group_after
    except AnsibleAWSError as e:
        fail_with_aws_error(module, e, ACCESS_HINT)

    result = dict(changed=any(r["changed"] for r in results), log_groups=results)
    if module._diff:
        result["diff"] = dict(before=before, after=after)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
