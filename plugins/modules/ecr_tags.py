#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ecr_tags
version_added: 0.1.0
short_description: Manage the tags of an ECR repository
description:
  - Set, and with O(purge_tags) remove, the tags of an existing Amazon ECR repository.
  - M(community.aws.ecs_ecr) creates repositories but cannot tag them; run this module after it.
author:
  - ecommerce_demo.platform maintainers (@ecommerce-demo)
options:
  name:
    description:
      - The name of the repository, for example V(ecommerce-demo/backend).
      - The repository must exist; the module fails when it does not, also in check mode.
    type: str
    required: true
  registry_id:
    description:
      - The AWS account id of the registry that holds the repository.
      - If not set, the registry of the caller's account.
    type: str
notes:
  - Requires the IAM permissions C(ecr:DescribeRepositories), C(ecr:ListTagsForResource) and, to change
    tags, C(ecr:TagResource) and C(ecr:UntagResource).
  - If O(tags) is not set, the module changes nothing and returns the repository's tags.
seealso:
  - module: community.aws.ecs_ecr
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode),
      when in diff mode.
    support: full
    details:
      - The diff shows the tags.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Create a repository
  community.aws.ecs_ecr:
    name: ecommerce-demo/backend
    scan_on_push: true

- name: Tag it, removing any other tag
  ecommerce_demo.platform.ecr_tags:
    name: ecommerce-demo/backend
    tags:
      Project: ecommerce-demo
      Environment: production

- name: Add a tag, keeping the others
  ecommerce_demo.platform.ecr_tags:
    name: ecommerce-demo/backend
    tags:
      CostCenter: "1234"
    purge_tags: false

- name: Remove every tag (but those AWS reserves, aws:*)
  ecommerce_demo.platform.ecr_tags:
    name: ecommerce-demo/backend
    tags: {}
"""

RETURN = r"""
repository_arn:
  description: The ARN of the repository.
  returned: always
  type: str
  sample: arn:aws:ecr:us-east-1:123456789012:repository/ecommerce-demo/backend
tags:
  description:
    - The tags of the repository after the module ran.
    - In check mode, the tags it would have.
  returned: always
  type: dict
  sample: {"Project": "ecommerce-demo", "Environment": "production"}
"""

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags


class ECRErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleAWSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("RepositoryNotFoundException")


class RepositoryNotFound(Exception):
    pass


@ECRErrorHandler.list_error_handler("describe repository")
def describe_repository(client, name, registry_id):
    params = {"repositoryNames": [name]}
    if registry_id:
        params["registryId"] = registry_id
    # A registry id that is not the caller's may answer with an empty list rather than an error.
    repositories = client.describe_repositories(aws_retry=True, **params)["repositories"]
    return repositories[0] if repositories else None


@ECRErrorHandler.common_error_handler("list tags of repository")
def get_tags(client, arn):
    return boto3_tag_list_to_ansible_dict(
        client.list_tags_for_resource(resourceArn=arn, aws_retry=True)["tags"]
    )


@ECRErrorHandler.common_error_handler("update tags of repository")
def update_tags(client, check_mode, arn, desired, current, purge):
    if desired is None:
        return False
    tags_to_set, tags_to_remove = compare_aws_tags(current, desired, purge_tags=purge)
    if not tags_to_set and not tags_to_remove:
        return False
    if check_mode:
        return True
    if tags_to_remove:
        client.untag_resource(resourceArn=arn, tagKeys=tags_to_remove, aws_retry=True)
    if tags_to_set:
        client.tag_resource(resourceArn=arn, tags=ansible_dict_to_boto3_tag_list(tags_to_set), aws_retry=True)
    return True


def predicted_tags(current, desired, purge):
    tags_to_set, tags_to_remove = compare_aws_tags(current, desired, purge_tags=purge)
    kept = {key: value for key, value in current.items() if key not in tags_to_remove}
    # AWS stores every tag value as a string.
    return {**kept, **{key: to_text(value) for key, value in tags_to_set.items()}}


def run(module, client):
    params = module.params
    repository = describe_repository(client, params["name"], params["registry_id"])
    if repository is None:
        registry = f" in registry {params['registry_id']}" if params["registry_id"] else ""
        raise RepositoryNotFound(
            f"ECR repository {params['name']} does not exist{registry}; "
            "create it first (community.aws.ecs_ecr)"
        )
    arn = repository["repositoryArn"]
    current = get_tags(client, arn)

    changed = update_tags(client, module.check_mode, arn, params["tags"], current, params["purge_tags"])
    if not changed:
        tags = current
    elif module.check_mode:
        tags = predicted_tags(current, params["tags"], params["purge_tags"])
    else:
        tags = get_tags(client, arn)

    result = dict(changed=changed, repository_arn=arn, tags=tags)
    if module._diff:
        result["diff"] = dict(before=dict(tags=current), after=dict(tags=tags))
    return result


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        registry_id=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("ecr", retry_decorator=AWSRetry.jittered_backoff())
    try:
        result = run(module, client)
    except RepositoryNotFound as e:
        module.fail_json(msg=str(e))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    else:
        module.exit_json(**result)


if __name__ == "__main__":
    main()
