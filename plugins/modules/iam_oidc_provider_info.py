#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: iam_oidc_provider_info
version_added: 0.1.0
short_description: Gather information about IAM OpenID Connect (OIDC) identity providers
description:
  - Describe one IAM OpenID Connect identity provider, chosen by ARN or by issuer URL, or all
    the providers of the account.
author:
  - ecommerce_demo.platform maintainers (@ecommerce-demo)
options:
  arn:
    description:
      - The ARN of the provider to describe.
      - Mutually exclusive with O(url).
    type: str
  url:
    description:
      - The issuer URL of the provider to describe, with or without V(https://).
      - Mutually exclusive with O(arn).
      - If neither O(arn) nor O(url) is set, every provider of the account is described.
    type: str
notes:
  - Requires the IAM permissions C(iam:ListOpenIDConnectProviders) and C(iam:GetOpenIDConnectProvider).
seealso:
  - module: ecommerce_demo.platform.iam_oidc_provider
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode),
      when in diff mode.
    support: none
    details:
      - This module only reads.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Describe every OIDC provider of the account
  ecommerce_demo.platform.iam_oidc_provider_info:
  register: all_providers

- name: Describe the GitHub Actions provider
  ecommerce_demo.platform.iam_oidc_provider_info:
    url: https://token.actions.githubusercontent.com
  register: github

- name: Check that GitHub Actions tokens for STS are accepted
  ansible.builtin.assert:
    that:
      - github.iam_oidc_providers | length == 1
      - "'sts.amazonaws.com' in github.iam_oidc_providers[0].client_id_list"

- name: Describe a provider by ARN
  ecommerce_demo.platform.iam_oidc_provider_info:
    arn: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com
"""

RETURN = r"""
iam_oidc_providers:
  description:
    - The providers found; empty when the provider asked for does not exist.
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: The ARN of the provider.
      returned: always
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
      returned: always
      type: str
      sample: "2026-11-25T21:00:14.382425+00:00"
"""

from ansible_collections.amazon.aws.plugins.module_utils.iam import AnsibleIAMError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.iam_oidc_provider import (
    InvalidProviderUrl,
    find_provider_arn,
    get_provider,
    list_provider_arns,
    normalize_provider_url,
)


def describe_providers(client, arn, url):
    if arn:
        arns = [arn]
    elif url:
        found = find_provider_arn(list_provider_arns(client), url)
        arns = [found] if found else []
    else:
        arns = list_provider_arns(client)
    # A provider deleted between the list and the get reads as None: leave it out.
    providers = [get_provider(client, provider_arn) for provider_arn in arns]
    return [provider for provider in providers if provider is not None]


def main():
    argument_spec = dict(
        arn=dict(type="str"),
        url=dict(type="str"),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        mutually_exclusive=[["arn", "url"]],
        supports_check_mode=True,
    )
    if module.params["url"] is not None:
        try:
            normalize_provider_url(module.params["url"])
        except InvalidProviderUrl as e:
            module.fail_json(msg=str(e))

    client = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
    try:
        providers = describe_providers(client, module.params["arn"], module.params["url"])
    except AnsibleIAMError as e:
        module.fail_json_aws_error(e)
    else:
        module.exit_json(changed=False, iam_oidc_providers=providers)


if __name__ == "__main__":
    main()
