#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: tagged_resources_info
version_added: 0.1.0
short_description: Find every AWS resource that carries a set of tags
description:
  - Lists the resources in one region that carry all the given tags, through the Resource Groups
    Tagging API, plus the IAM roles, customer managed policies and OpenID Connect providers that carry
    them (IAM is global and not covered by that API).
  - Used by C(teardown.yml) to prove that nothing of the project is left.
author:
  - ecommerce_demo.platform maintainers (@ecommerce-demo)
options:
  tags:
    description:
      - Tags a resource must all carry (extra tags are allowed).
    type: dict
    required: true
  include_iam:
    description:
      - Also look through IAM roles, customer managed policies and OpenID Connect providers.
    type: bool
    default: true
  resource_type_filters:
    description:
      - Limit the Resource Groups Tagging API search to these types, for example C(ecr:repository) or C(s3).
    type: list
    elements: str
    default: []
notes:
  - The Resource Groups Tagging API also returns resources that were tagged and then had their tags
    removed; only resources that carry all of O(tags) are returned here.
  - "IAM permissions: C(tag:GetResources), C(iam:ListRoles), C(iam:ListRoleTags), C(iam:ListPolicies),
    C(iam:ListPolicyTags), C(iam:ListOpenIDConnectProviders), C(iam:ListOpenIDConnectProviderTags)."
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: >-
      Will return details on what has changed (or possibly needs changing in diff mode) when in diff mode.
    support: none
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Find what is left of the project
  ecommerce_demo.platform.tagged_resources_info:
    tags:
      Project: ecommerce-demo
      Environment: demo
  register: leftovers

- name: Fail when anything is left
  ansible.builtin.assert:
    that: leftovers.resources | length == 0
    fail_msg: "left behind: {{ leftovers.resources | map(attribute='arn') | join(', ') }}"
"""

RETURN = r"""
resources:
  description: The resources that carry all the given tags.
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: The resource's ARN.
      returned: always
      type: str
      sample: arn:aws:ecr:us-east-1:123456789012:repository/ecommerce-demo/backend
    service:
      description: The service of the ARN.
      returned: always
      type: str
      sample: ecr
    resource_type:
      description: C(service:type) of the resource.
      returned: always
      type: str
      sample: ecr:repository
    tags:
      description: All the resource's tags.
      returned: always
      type: dict
      sample: {"Project": "ecommerce-demo", "Environment": "demo", "ManagedBy": "ansible"}
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import sweep_result
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import tag_filters
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import tags_match


def tagging_api_resources(client, tags, resource_types):
    paginator = client.get_paginator("get_resources")
    params = {"TagFilters": tag_filters(tags)}
    if resource_types:
        params["ResourceTypeFilters"] = resource_types
    found = []
    for mapping in paginator.paginate(**params).build_full_result()["ResourceTagMappingList"]:
        resource_tags = boto3_tag_list_to_ansible_dict(mapping.get("Tags", []))
        if tags_match(resource_tags, tags):
            found.append(sweep_result(mapping["ResourceARN"], resource_tags))
    return found


@AWSRetry.jittered_backoff()
def _list_tags(client, operation, **params):
    return getattr(client, operation)(**params)["Tags"]


def iam_resources(client, tags):
    found = []
    for role in client.get_paginator("list_roles").paginate().build_full_result()["Roles"]:
        role_tags = boto3_tag_list_to_ansible_dict(
            _list_tags(client, "list_role_tags", RoleName=role["RoleName"])
        )
        if tags_match(role_tags, tags):
            found.append(sweep_result(role["Arn"], role_tags))
    for policy in (
        client.get_paginator("list_policies").paginate(Scope="Local").build_full_result()["Policies"]
    ):
        policy_tags = boto3_tag_list_to_ansible_dict(
            _list_tags(client, "list_policy_tags", PolicyArn=policy["Arn"])
        )
        if tags_match(policy_tags, tags):
            found.append(sweep_result(policy["Arn"], policy_tags))
    for provider in client.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
        provider_tags = boto3_tag_list_to_ansible_dict(
            _list_tags(client, "list_open_id_connect_provider_tags", OpenIDConnectProviderArn=provider["Arn"])
        )
        if tags_match(provider_tags, tags):
            found.append(sweep_result(provider["Arn"], provider_tags))
    return found


def main():
    argument_spec = dict(
        tags=dict(type="dict", required=True),
        include_iam=dict(type="bool", default=True),
        resource_type_filters=dict(type="list", elements="str", default=[]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    tags = module.params["tags"]
    if not tags:
        module.fail_json(msg="tags must name at least one tag: an empty filter would match every resource")

    retry = AWSRetry.jittered_backoff()
    try:
        resources = tagging_api_resources(
            module.client("resourcegroupstaggingapi", retry_decorator=retry),
            tags,
            module.params["resource_type_filters"],
        )
        if module.params["include_iam"]:
            resources.extend(iam_resources(module.client("iam", retry_decorator=retry), tags))
    except is_boto3_error_code("AccessDeniedException") as e:
        module.fail_json_aws(e, msg="Not allowed to list tagged resources (tag:GetResources, iam:List*)")
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to list tagged resources")

    module.exit_json(changed=False, resources=sorted(resources, key=lambda r: r["arn"]))


if __name__ == "__main__":
    main()
