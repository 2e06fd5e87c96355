# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's shared AWS error handling, as amazon.aws keeps it in module_utils/iam.py.

Wrap each AWS call of a module in one of the handlers (the call itself retried with
``AWSRetry.jittered_backoff`` / ``aws_retry=True``, a paginated listing with
``paginated_query_with_retries``):

- ``common_error_handler(description)``: any botocore error becomes an AnsibleAWSError naming the action;
- ``list_error_handler(description, default)``: a resource that is gone (deleted while we looked) gives
  ``default`` instead of an error;
- ``deletion_error_handler(description)``: deleting what is already gone is not an error.

In ``main()``, catch ``AnsibleAWSError`` once and call ``fail_with_aws_error(module, error, hint)``: an
access denial (IAM answers ``AccessDenied``, most other services ``AccessDeniedException``) gets the
``hint`` naming the permissions the module needs.
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# Error codes of "not allowed": IAM and S3 say AccessDenied, most JSON services AccessDeniedException,
# EC2 UnauthorizedOperation.
ACCESS_DENIED_CODES = [
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedException",
]

# Throttling codes AWSRetry does not retry by itself (it knows Throttling, RequestLimitExceeded,
# TooManyRequestsException): ECR, DynamoDB, EKS, Logs say ThrottlingException; the Resource Groups
# Tagging API says ThrottledException.
THROTTLING_CODES = ["ThrottlingException", "ThrottledException"]

# Error codes of "no such resource", across the services the collection reads.
MISSING_CODES = [
    "NoSuchEntity",  # IAM
    "NoSuchBucket",  # S3
    "ResourceNotFoundException",  # DynamoDB, EKS, Secrets Manager, CloudWatch Logs
    "RepositoryNotFoundException",  # ECR
]


def retry_decorator(**kwargs):
    """``AWSRetry.jittered_backoff`` that also retries every service's throttling code.

    Pass it to ``module.client(service, retry_decorator=...)`` (then call with ``aws_retry=True``) and to
    ``paginated_query_with_retries(..., retry_decorator=...)``.
    """
    return AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES, **kwargs)


class AnsibleCollectionAWSError(AnsibleAWSError):
    pass


class ErrorHandler(AWSErrorHandler):
    """amazon.aws's handlers, with "missing" meaning any service's no-such-resource code."""

    _CUSTOM_EXCEPTION = AnsibleCollectionAWSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(MISSING_CODES)


def error_code(error):
    """The AWS error code behind an AnsibleAWSError (or a botocore ClientError), or None."""
    exception = getattr(error, "exception", error)
    response = getattr(exception, "response", None) or {}
    return response.get("Error", {}).get("Code")


def is_access_denied(error):
    return error_code(error) in ACCESS_DENIED_CODES


def fail_with_aws_error(module, error, access_hint):
    """Fail the module for an AnsibleAWSError; an access denial names the permissions in ``access_hint``."""
    message = error.message
    if is_access_denied(error):
        message = f"{message}: access denied ({error_code(error)}). {access_hint}"
    if error.exception is not None:
        module.fail_json_aws(error.exception, msg=message)
    module.fail_json(msg=message)
