# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""DynamoDB table settings that community.aws.dynamodb_table does not manage.

The settings as this collection names them, read from DescribeTable and DescribeContinuousBackups, and
the comparison of what is wanted with what is there. Pure and unit-tested without a client; the module
dynamodb_table_settings makes the calls.
"""

import itertools

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.cloud import BackoffIterator
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

# The settings the module manages, in the order it changes them: point-in-time recovery first, since
# UpdateContinuousBackups may be refused while UpdateTable has the table in the UPDATING state.
MANAGED_SETTINGS = ("point_in_time_recovery", "deletion_protection")

# The settings of a table DynamoDB has just created: what check mode predicts from for a table that an
# earlier task (in check mode) would have created.
NEW_TABLE_SETTINGS = {"point_in_time_recovery": False, "deletion_protection": False}

# UpdateContinuousBackups on a table created moments ago answers ContinuousBackupsUnavailableException
# until the table's continuous backups are ready: retried with these AWSRetry.jittered_backoff arguments.
PITR_RETRY = {"retries": 15, "delay": 5, "max_delay": 30}


def longest_retry_wait(retries, delay, max_delay, backoff=2):
    """The longest time, in seconds, that AWSRetry.jittered_backoff(...) with these arguments sleeps.

    It makes ``retries`` attempts with a sleep between two of them, each drawn between 0 and
    min(max_delay, delay * backoff ** n): the sum of those bounds (the average is half of it).
    """
    return sum(
        itertools.islice(BackoffIterator(delay=delay, backoff=backoff, max_delay=max_delay), retries - 1)
    )


class DynamoDBErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleAWSError

    @classmethod
    def _is_missing(cls):
        # DescribeTable and UpdateTable say ResourceNotFoundException; the continuous-backup APIs
        # say TableNotFoundException.
        return is_boto3_error_code(["ResourceNotFoundException", "TableNotFoundException"])


def settings_from_aws(table, continuous_backups):
    """The table's settings from a DescribeTable ``Table`` and a ``ContinuousBackupsDescription``.

    DescribeTable leaves DeletionProtectionEnabled out for tables that never had it set: off.
    """
    recovery = continuous_backups.get("PointInTimeRecoveryDescription", {})
    return {
        "table_name": table["TableName"],
        "table_arn": table["TableArn"],
        "point_in_time_recovery": recovery.get("PointInTimeRecoveryStatus") == "ENABLED",
        "deletion_protection": bool(table.get("DeletionProtectionEnabled", False)),
    }


def settings_to_change(current, desired):
    """The managed settings whose desired value differs from the current one, as {name: new value}.

    A desired value of None means the setting is not managed and is left as it is.
    """
    return {
        name: desired[name]
        for name in MANAGED_SETTINGS
        if desired.get(name) is not None and desired[name] != current[name]
    }


def comparable_settings(settings):
    """The part of the settings shown in a diff: the managed ones."""
    return {name: settings[name] for name in MANAGED_SETTINGS}
