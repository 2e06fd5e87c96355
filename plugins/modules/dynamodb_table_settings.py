#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: dynamodb_table_settings
version_added: 0.1.0
short_description: Manage point-in-time recovery and deletion protection of a DynamoDB table
description:
  - Turn point-in-time recovery (continuous backups you can restore from to any second of the
    recovery period) and deletion protection on or off for an existing DynamoDB table.
  - M(community.aws.dynamodb_table) creates the table but has no option for either setting; run this
    module after it.
  - Only the settings given are managed; a setting left out keeps its current value.
author:
  - ecommerce_demo.platform maintainers (@ecommerce-demo)
options:
  name:
    description:
      - The name of the table. The table must exist; the module fails when it does not.
      - In check mode a table that does not exist is taken to be one that an earlier task (in check mode)
        would create, with both settings off as DynamoDB creates tables, so that a check run predicts
        the settings of a new table too.
    type: str
    required: true
  point_in_time_recovery:
    description:
      - Whether point-in-time recovery is enabled.
      - Right after a table is created, AWS refuses to enable it with C(ContinuousBackupsUnavailableException)
        until the table's continuous backups are ready; the module then tries 15 times in all, with
        jittered waits of at most 5, 10, 20 and then 30 seconds between tries, so at most 365 seconds of
        waiting (about three minutes on average) before it gives up.
      - If not set, point-in-time recovery is not modified.
    type: bool
  deletion_protection:
    description:
      - Whether deletion protection is enabled. A protected table cannot be deleted until it is turned off.
      - The module waits for the table to be C(ACTIVE) before and after changing it, since AWS accepts
        C(UpdateTable) only for an C(ACTIVE) table.
      - If not set, deletion protection is not modified.
    type: bool
notes:
  - Requires the IAM permissions C(dynamodb:DescribeTable), C(dynamodb:DescribeContinuousBackups) and, to
    change things, C(dynamodb:UpdateContinuousBackups) and C(dynamodb:UpdateTable).
seealso:
  - module: community.aws.dynamodb_table
  - module: community.aws.dynamodb_table_info
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode),
      when in diff mode.
    support: full
    details:
      - The diff shows O(point_in_time_recovery) and O(deletion_protection).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Create the Terraform lock table
  community.aws.dynamodb_table:
    name: terraform-locks
    hash_key_name: LockID
    hash_key_type: STRING
    billing_mode: PAY_PER_REQUEST

- name: Enable point-in-time recovery and deletion protection on it
  ecommerce_demo.platform.dynamodb_table_settings:
    name: terraform-locks
    point_in_time_recovery: true
    deletion_protection: true

- name: Turn deletion protection off so that the table can be deleted
  ecommerce_demo.platform.dynamodb_table_settings:
    name: terraform-locks
    deletion_protection: false

- name: Read the settings without changing them
  ecommerce_demo.platform.dynamodb_table_settings:
    name: terraform-locks
  register: lock_table_settings
"""

RETURN = r"""
table_name:
  description: The name of the table.
  returned: always
  type: str
  sample: terraform-locks
table_arn:
  description: The ARN of the table.
  returned: when the table exists (not in check mode for a table that does not exist yet)
  type: str
  sample: arn:aws:dynamodb:us-east-1:123456789012:table/terraform-locks
point_in_time_recovery:
  description:
    - Whether point-in-time recovery is enabled after the module ran.
    - In check mode, whether it would be.
  returned: always
  type: bool
  sample: true
deletion_protection:
  description:
    - Whether deletion protection is enabled after the module ran.
    - In check mode, whether it would be.
  returned: always
  type: bool
  sample: false
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.dynamodb_table_settings import (
    MANAGED_SETTINGS,
    NEW_TABLE_SETTINGS,
    PITR_RETRY,
    DynamoDBErrorHandler,
    comparable_settings,
    settings_from_aws,
    settings_to_change,
)

# How long to wait for the table to be ACTIVE around UpdateTable: 60 polls 5 seconds apart.
ACTIVE_WAITER_CONFIG = {"Delay": 5, "MaxAttempts": 60}


@DynamoDBErrorHandler.list_error_handler("describe table")
def describe_table(client, name):
    return client.describe_table(TableName=name, aws_retry=True)["Table"]


@DynamoDBErrorHandler.common_error_handler("describe continuous backups of table")
def describe_continuous_backups(client, name):
    return client.describe_continuous_backups(TableName=name, aws_retry=True)["ContinuousBackupsDescription"]


def read_settings(client, name):
    """The table's settings, or None when there is no such table."""
    table = describe_table(client, name)
    if table is None:
        return None
    return settings_from_aws(table, describe_continuous_backups(client, name))


# A table created moments ago answers ContinuousBackupsUnavailableException until its continuous backups
# are ready, which takes minutes on AWS (PITR_RETRY: at most 365 s of waiting in all).
@DynamoDBErrorHandler.common_error_handler("update point-in-time recovery of table")
@AWSRetry.jittered_backoff(**PITR_RETRY, catch_extra_error_codes=["ContinuousBackupsUnavailableException"])
def update_continuous_backups(client, name, enabled):
    client.update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": enabled}
    )


@DynamoDBErrorHandler.common_error_handler("wait for table to be active")
def wait_until_active(client, name):
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig=ACTIVE_WAITER_CONFIG)


@DynamoDBErrorHandler.common_error_handler("update deletion protection of table")
def update_table_deletion_protection(client, name, enabled):
    client.update_table(TableName=name, DeletionProtectionEnabled=enabled, aws_retry=True)


def update_point_in_time_recovery(client, check_mode, name, desired, current):
    if desired is None or desired == current:
        return False
    if check_mode:
        return True
    update_continuous_backups(client, name, desired)
    return True


def update_deletion_protection(client, check_mode, name, desired, current):
    if desired is None or desired == current:
        return False
    if check_mode:
        return True
    # UpdateTable is refused (ResourceInUseException) unless the table is ACTIVE, and the table may
    # pass through UPDATING afterwards, which a following DeleteTable or UpdateTable would trip over.
    wait_until_active(client, name)
    update_table_deletion_protection(client, name, desired)
    wait_until_active(client, name)
    return True


class TableNotFound(Exception):
    pass


def run(module, client):
    params = module.params
    name = params["name"]
    current = read_settings(client, name)
    if current is None and module.check_mode:
        # Check mode: an earlier task would create the table; predict from the settings of a new table.
        current = {"table_name": name, **NEW_TABLE_SETTINGS}
    elif current is None:
        raise TableNotFound(
            f"DynamoDB table {name} does not exist; create it first (community.aws.dynamodb_table)"
        )

    desired = {setting: params[setting] for setting in MANAGED_SETTINGS}
    changed = False
    changed |= update_point_in_time_recovery(
        client, module.check_mode, name, desired["point_in_time_recovery"], current["point_in_time_recovery"]
    )
    changed |= update_deletion_protection(
        client, module.check_mode, name, desired["deletion_protection"], current["deletion_protection"]
    )

    if not changed:
        after = current
    elif module.check_mode:
        after = {**current, **settings_to_change(current, desired)}
    else:
        after = read_settings(client, name)

    result = dict(changed=changed, **after)
    if module._diff:
        result["diff"] = dict(before=comparable_settings(current), after=comparable_settings(after))
    return result


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        point_in_time_recovery=dict(type="bool"),
        deletion_protection=dict(type="bool"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("dynamodb", retry_decorator=AWSRetry.jittered_backoff())
    try:
        result = run(module, client)
    except TableNotFound as e:
        module.fail_json(msg=str(e))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    else:
        module.exit_json(**result)


if __name__ == "__main__":
    main()
