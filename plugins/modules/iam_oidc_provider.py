#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: iam_oidc_provider
version_added: 0.1.0
short_description: Manage IAM OpenID Connect (OIDC) identity providers
description:
  - Create, update and delete an IAM OpenID Connect identity provider, the principal that lets
    workloads authenticated by an external issuer (GitHub Actions, GitLab, an EKS cluster, ...)
    assume IAM roles with C(sts:AssumeRoleWithWebIdentity).
  - The provider is identified by its issuer URL; an account holds at most one provider per URL.
  - Client ids (audiences), thumbprints and tags of an existing provider are updated in place.
author:
  - ecommerce_demo.platform maintainers (@ecommerce-demo)
options:
  url:
    description:
      - The issuer URL of the identity provider, the C(iss) claim of its tokens, for example
        V(https://token.actions.githubusercontent.com).
      - IAM stores the URL without the scheme; V(https://) may be omitted here, and a trailing slash
        and the letter case of the host name are ignored when looking the provider up.
      - Only C(https) URLs without a port, query string or fragment are accepted, as in IAM.
    type: str
    required: true
  client_id_list:
    description:
      - The client ids (also called audiences) allowed to authenticate with the provider,
        for example V(sts.amazonaws.com) for GitHub Actions.
      - If not set, the client ids of an existing provider are not modified.
      - See O(purge_client_ids) for how client ids not listed here are treated.
    type: list
    elements: str
  purge_client_ids:
    description:
      - If V(true) and O(client_id_list) is set, client ids of the provider that are not in
        O(client_id_list) are removed, so that V([]) removes all of them.
      - If V(false) (the default), client ids are only added. A provider is account-wide and often
        shared (one per issuer URL), and others may have registered audiences of their own.
    type: bool
    default: false
  thumbprint_list:
    description:
      - The SHA-1 thumbprints (40 hexadecimal characters) of the certificate authorities of the
        provider's server certificates; at most five.
      - Since July 2023 IAM verifies well-known providers (GitHub, GitLab, Google, Auth0, S3-hosted
        JWKS) with its own library of trusted CAs and ignores thumbprints for them, and since 2024 it
        retrieves a thumbprint itself when a provider is created without one.
      - If not set or V([]), IAM chooses the thumbprint when the provider is created and the
        thumbprints of an existing provider are not modified.
      - If set to a non-empty list, it is the complete list; thumbprints not in it are removed.
        The comparison ignores letter case.
    type: list
    elements: str
  tags:
    description:
      - Tags to set on the provider, a dictionary of key and value.
      - If not set, the tags of an existing provider are not modified.
      - See O(purge_tags) for how tags not listed here are treated.
    type: dict
    aliases: ['resource_tags']
  purge_tags:
    description:
      - If V(true) and O(tags) is set, tags of the provider that are not in O(tags) are removed.
      - If V(false) (the default), tags are only added or updated, so a shared provider keeps the tags
        others gave it. Tag keys starting with V(aws:) are never removed.
    type: bool
    default: false
  state:
    description:
      - Whether the provider should exist.
      - V(absent) deletes the provider, unless an IAM role other than those in O(ignore_trusting_roles)
        still trusts it and O(force) is V(false). Roles that trust a deleted provider are not changed
        and can no longer be assumed through it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), delete the provider even while IAM roles trust it.
      - If V(false) (the default), the provider is kept while the trust policy of any IAM role of the
        account, but those named in O(ignore_trusting_roles), names it as a C(Federated) principal;
        RV(trusting_roles) lists them. This lists every role of the account (C(iam:ListRoles)).
    type: bool
    default: false
  ignore_trusting_roles:
    description:
      - With O(state=absent), names of IAM roles whose trust does not keep the provider, typically the
        role deleted together with it (in check mode it still exists).
    type: list
    elements: str
    default: []
notes:
  - Deleting a provider does not update the trust policies of roles that reference it.
  - Requires the IAM permissions C(iam:ListOpenIDConnectProviders), C(iam:GetOpenIDConnectProvider)
    and, to change things, C(iam:CreateOpenIDConnectProvider), C(iam:DeleteOpenIDConnectProvider),
    C(iam:AddClientIDToOpenIDConnectProvider), C(iam:RemoveClientIDFromOpenIDConnectProvider),
    C(iam:UpdateOpenIDConnectProviderThumbprint), C(iam:TagOpenIDConnectProvider) and
    C(iam:UntagOpenIDConnectProvider); with O(state=absent) and O(force=false), C(iam:ListRoles).
seealso:
  - module: ecommerce_demo.platform.iam_oidc_provider_info
  - module: amazon.aws.iam_role
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode),
      when in diff mode.
    support: full
    details:
      - The diff compares the URL, the sorted client ids and thumbprints, and the tags.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Let GitHub Actions workflows authenticate to AWS
  ecommerce_demo.platform.iam_oidc_provider:
    url: https://token.actions.githubusercontent.com
    client_id_list:
      - sts.amazonaws.com
    tags:
      Project: ecommerce-demo

- name: Trust the OIDC issuer of an EKS cluster, pinning the CA thumbprint
  ecommerce_demo.platform.iam_oidc_provider:
    url: "{{ eks_cluster.identity.oidc.issuer }}"
    client_id_list:
      - sts.amazonaws.com
    thumbprint_list:
      - 9e99a48a9960b14926bb7f3b02e22da2b0ab7280

- name: Make the audiences exactly these, removing any other
  ecommerce_demo.platform.iam_oidc_provider:
    url: https://token.actions.githubusercontent.com
    client_id_list:
      - https://github.com/my-org
    purge_client_ids: true

- name: Delete the provider unless a role other than github-actions-role still trusts it
  ecommerce_demo.platform.iam_oidc_provider:
    url: https://token.actions.githubusercontent.com
    state: absent
    ignore_trusting_roles:
      - github-actions-role
"""

RETURN = r"""
iam_oidc_provider:
  description:
    - The provider after the module ran.
    - In check mode, when the provider would be created, the keys RV(iam_oidc_provider.arn) and
      RV(iam_oidc_provider.create_date) are missing.
  returned: when O(state=present)
  type: dict
  contains:
    arn:
      description: The ARN of the provider, for use as the C(Federated) principal of a trust policy.
      returned: when the provider exists; not in check mode when it would be created
      type: str
      sample: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com
    url:
      description: The issuer URL as IAM stores it, without V(https://).
      returned: always
      type: str
      sample: token.actions.githubusercontent.com
    client_id_list:
      description: The client ids (audiences) registered for the provider.
      returned: always
      type: list
      elements: str
      sample: ["sts.amazonaws.com"]
    thumbprint_list:
      description: The certificate thumbprints of the provider.
      returned: always
      type: list
      elements: str
      sample: ["6938fd4d98bab03faadb97b34396831e3780aea1"]
    tags:
      description: The tags of the provider.
      returned: always
      type: dict
      sample: {"Project": "ecommerce-demo", "ManagedBy": "ansible"}
    create_date:
      description: When the provider was created, in ISO 8601 format.
      returned: when the provider exists; not in check mode when it would be created
      type: str
      sample: "2026-11-25T21:00:14.382425+00:00"
trusting_roles:
  description:
    - With O(state=absent), the ARNs of the IAM roles (but those in O(ignore_trusting_roles)) that trust
      the provider and kept it from being deleted.
    - Empty when it was deleted or did not exist, and with O(force=true).
  returned: when O(state=absent)
  type: list
  elements: str
  sample: ["arn:aws:iam::123456789012:role/other-team-deployer"]
"""

from ansible_collections.amazon.aws.plugins.module_utils.iam import AnsibleIAMError
from ansible_collections.amazon.aws.plugins.module_utils.iam import IAMErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.iam_oidc_provider import (
    InvalidProviderUrl,
    build_desired_state,
    comparable_state,
    desired_thumbprints,
    diff_client_ids,
    diff_tags,
    find_provider_arn,
    get_provider,
    invalid_thumbprints,
    list_provider_arns,
    list_roles,
    normalize_provider,
    normalize_provider_url,
    provider_url_for_create,
    roles_trusting_provider,
)


@IAMErrorHandler.common_error_handler("get OIDC provider")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["NoSuchEntity"])
def get_created_provider(client, arn):
    # IAM is eventually consistent: right after the create a read may still answer NoSuchEntity.
    return normalize_provider(arn, client.get_open_id_connect_provider(OpenIDConnectProviderArn=arn))


@IAMErrorHandler.common_error_handler("create OIDC provider")
def create_provider(client, url, client_ids, thumbprints, tags):
    params = {"Url": provider_url_for_create(url), "ClientIDList": client_ids or []}
    if thumbprints:
        params["ThumbprintList"] = thumbprints
    if tags:
        params["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return client.create_open_id_connect_provider(aws_retry=True, **params)["OpenIDConnectProviderArn"]


@IAMErrorHandler.common_error_handler("update client ids of OIDC provider")
def update_client_ids(client, check_mode, arn, current, desired, purge):
    to_add, to_remove = diff_client_ids(current, desired, purge)
    if not to_add and not to_remove:
        return False
    if check_mode:
        return True
    # Add before removing so that a provider never passes through a state with no audience.
    for client_id in to_add:
        client.add_client_id_to_open_id_connect_provider(
            OpenIDConnectProviderArn=arn, ClientID=client_id, aws_retry=True
        )
    for client_id in to_remove:
        client.remove_client_id_from_open_id_connect_provider(
            OpenIDConnectProviderArn=arn, ClientID=client_id, aws_retry=True
        )
    return True


@IAMErrorHandler.common_error_handler("update thumbprints of OIDC provider")
def update_thumbprints(client, check_mode, arn, current, desired):
    new_thumbprints = desired_thumbprints(current, desired)
    if new_thumbprints is None:
        return False
    if check_mode:
        return True
    client.update_open_id_connect_provider_thumbprint(
        OpenIDConnectProviderArn=arn, ThumbprintList=new_thumbprints, aws_retry=True
    )
    return True


@IAMErrorHandler.common_error_handler("update tags of OIDC provider")
def update_tags(client, check_mode, arn, current, desired, purge):
    tags_to_set, tags_to_remove = diff_tags(current, desired, purge)
    if not tags_to_set and not tags_to_remove:
        return False
    if check_mode:
        return True
    if tags_to_remove:
        client.untag_open_id_connect_provider(
            OpenIDConnectProviderArn=arn, TagKeys=tags_to_remove, aws_retry=True
        )
    if tags_to_set:
        client.tag_open_id_connect_provider(
            OpenIDConnectProviderArn=arn, Tags=ansible_dict_to_boto3_tag_list(tags_to_set), aws_retry=True
        )
    return True


@IAMErrorHandler.deletion_error_handler("delete OIDC provider")
def delete_provider(client, arn):
    client.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn, aws_retry=True)
    return True


def predicted_state(params, current):
    return build_desired_state(
        current,
        params["url"],
        params["client_id_list"],
        params["thumbprint_list"],
        params["tags"],
        params["purge_client_ids"],
        params["purge_tags"],
    )


def ensure_present(module, client, current):
    """Create the provider or bring it to the requested state; return (changed, provider)."""
    params = module.params
    check_mode = module.check_mode
    if current is None:
        if check_mode:
            return True, predicted_state(params, None)
        arn = create_provider(
            client, params["url"], params["client_id_list"], params["thumbprint_list"], params["tags"]
        )
        return True, get_created_provider(client, arn)

    arn = current["arn"]
    changed = False
    changed |= update_client_ids(
        client,
        check_mode,
        arn,
        current["client_id_list"],
        params["client_id_list"],
        params["purge_client_ids"],
    )
    changed |= update_thumbprints(
        client, check_mode, arn, current["thumbprint_list"], params["thumbprint_list"]
    )
    changed |= update_tags(client, check_mode, arn, current["tags"], params["tags"], params["purge_tags"])
    if not changed:
        return False, current
    if check_mode:
        return True, predicted_state(params, current)
    return True, get_provider(client, arn)


def ensure_absent(module, client, current):
    """Delete the provider unless roles still trust it; return (changed, trusting role ARNs)."""
    params = module.params
    if current is None:
        return False, []
    trusting = []
    if not params["force"]:
        trusting = roles_trusting_provider(
            list_roles(client), current["arn"], params["ignore_trusting_roles"]
        )
    if trusting:
        return False, trusting
    if module.check_mode:
        return True, []
    return delete_provider(client, current["arn"]), []


def run(module, client):
    params = module.params
    arn = find_provider_arn(list_provider_arns(client), params["url"])
    current = get_provider(client, arn) if arn else None
    if params["state"] == "present":
        changed, provider = ensure_present(module, client, current)
        result = dict(changed=changed, iam_oidc_provider=provider)
    else:
        changed, trusting = ensure_absent(module, client, current)
        provider = current if trusting else None
        result = dict(changed=changed, trusting_roles=trusting)
    if module._diff:
        result["diff"] = dict(before=comparable_state(current), after=comparable_state(provider))
    return result


def validate_params(module):
    try:
        normalize_provider_url(module.params["url"])
    except InvalidProviderUrl as e:
        module.fail_json(msg=str(e))
    thumbprints = module.params["thumbprint_list"] or []
    bad_thumbprints = invalid_thumbprints(thumbprints)
    if bad_thumbprints:
        module.fail_json(msg=f"thumbprint_list entries must be 40 hexadecimal characters: {bad_thumbprints}")
    if len(thumbprints) > 5:
        module.fail_json(msg="thumbprint_list may hold at most 5 thumbprints")


def main():
    argument_spec = dict(
        url=dict(type="str", required=True),
        client_id_list=dict(type="list", elements="str"),
        purge_client_ids=dict(type="bool", default=False),
        thumbprint_list=dict(type="list", elements="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        force=dict(type="bool", default=False),
        ignore_trusting_roles=dict(type="list", elements="str", default=[]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate_params(module)
    client = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
    try:
        result = run(module, client)
    except AnsibleIAMError as e:
        module.fail_json_aws_error(e)
    else:
        module.exit_json(**result)


if __name__ == "__main__":
    main()
