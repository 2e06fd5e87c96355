# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""ECR repositories: the reads, and the pure comparison of what is wanted with what is there.

Everything but the three reads is pure and unit-tested without a client; the module ecr_repository
makes the changing calls.
"""

import json

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

# The settings AWS gives a repository created without them.
NEW_REPOSITORY_DEFAULTS = {
    "image_tag_mutability": "MUTABLE",
    "scan_on_push": False,
    "encryption_type": "AES256",
}


class ECRErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleAWSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(["RepositoryNotFoundException", "LifecyclePolicyNotFoundException"])


@ECRErrorHandler.list_error_handler("describe repository")
def describe_repository(client, name):
    repositories = client.describe_repositories(repositoryNames=[name], aws_retry=True)["repositories"]
    return repositories[0] if repositories else None


@ECRErrorHandler.list_error_handler("get lifecycle policy of repository")
def get_lifecycle_policy(client, name):
    """The repository's lifecycle policy as a dict, or None when it has none."""
    response = client.get_lifecycle_policy(repositoryName=name, aws_retry=True)
    return json.loads(response["lifecyclePolicyText"])


@ECRErrorHandler.common_error_handler("list tags of repository")
def get_tags(client, arn):
    return boto3_tag_list_to_ansible_dict(
        client.list_tags_for_resource(resourceArn=arn, aws_retry=True)["tags"]
    )


def normalize_policy(policy):
    """A lifecycle policy as JSON would give it back: ints stay ints, tuples become lists, keys sorted."""
    if policy is None:
        return None
    return json.loads(json.dumps(policy, sort_keys=True))


def settings_from_aws(repository):
    """The managed settings of a DescribeRepositories entry."""
    encryption = repository.get("encryptionConfiguration") or {}
    return {
        "image_tag_mutability": repository.get("imageTagMutability", "MUTABLE"),
        "scan_on_push": bool((repository.get("imageScanningConfiguration") or {}).get("scanOnPush", False)),
        "encryption_type": encryption.get("encryptionType", "AES256"),
        "kms_key": encryption.get("kmsKey"),
    }


def state_of(settings, lifecycle_policy, tags):
    """The comparable state of a repository (diff mode, check-mode prediction); {} for no repository."""
    if settings is None:
        return {}
    state = dict(settings)
    if state.get("kms_key") is None:
        state.pop("kms_key", None)
    state["lifecycle_policy"] = normalize_policy(lifecycle_policy)
    state["tags"] = dict(sorted((tags or {}).items()))
    return state


def encryption_conflict(current, encryption_type, kms_key):
    """A message when the wanted encryption differs from an existing repository's (AWS cannot change it)."""
    if encryption_type is None or current is None:
        return None
    if current["encryption_type"] != encryption_type or (
        encryption_type == "KMS" and kms_key and current.get("kms_key") != kms_key
    ):
        return (
            "Cannot modify repository encryption type: the repository has "
            f"{current['encryption_type']}{' ' + current['kms_key'] if current.get('kms_key') else ''}, "
            f"{encryption_type}{' ' + kms_key if kms_key else ''} was asked for; AWS cannot change it on "
            "an existing repository"
        )
    return None


def lifecycle_policy_change(current, desired):
    """'put', 'delete' or None. ``desired=None`` leaves the policy alone; ``{}`` removes it."""
    if desired is None:
        return None
    if desired == {}:
        return "delete" if current is not None else None
    return "put" if normalize_policy(current) != normalize_policy(desired) else None


def tags_change(current, desired, purge):
    """(tags_to_set, tag_keys_to_remove); ``desired=None`` leaves the tags alone."""
    if desired is None:
        return {}, []
    to_set, to_remove = compare_aws_tags(current or {}, desired, purge_tags=purge)
    return to_set, sorted(to_remove)


def predicted_state(current_state, params):
    """The comparable state after the module ran with these parameters (current_state {} for a new one)."""
    base = (
        dict(current_state)
        if current_state
        else {**NEW_REPOSITORY_DEFAULTS, "lifecycle_policy": None, "tags": {}}
    )
    if not current_state and params.get("encryption_type"):
        base["encryption_type"] = params["encryption_type"]
        if params["encryption_type"] == "KMS" and params.get("kms_key"):
            base["kms_key"] = params["kms_key"]
    if params.get("image_tag_mutability"):
        base["image_tag_mutability"] = params["image_tag_mutability"].upper()
    if params.get("scan_on_push") is not None:
        base["scan_on_push"] = params["scan_on_push"]
    policy_change = lifecycle_policy_change(base["lifecycle_policy"], params.get("lifecycle_policy"))
    if policy_change == "put":
        base["lifecycle_policy"] = normalize_policy(params["lifecycle_policy"])
    elif policy_change == "delete":
        base["lifecycle_policy"] = None
    to_set, to_remove = tags_change(base["tags"], params.get("tags"), params.get("purge_tags", True))
    tags = {key: value for key, value in base["tags"].items() if key not in to_remove}
    tags.update({key: to_text(value) for key, value in to_set.items()})
    base["tags"] = dict(sorted(tags.items()))
    return base
