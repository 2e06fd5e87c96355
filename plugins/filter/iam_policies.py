# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The trust-policy builders of module_utils/iam_policies.py as filters, for roles that render policies.

``{{ repositories | ecommerce_demo.platform.github_actions_trust_policy(account_id, partition) }}`` gives
the same document the github_oidc role writes in Jinja today (one statement, the provider as principal,
StringEquals on aud, StringLike on sub), built by the unit-tested function.
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.iam_policies import (
    GITHUB_ACTIONS_ISSUER,
    STS_AUDIENCE,
    InvalidPolicyInput,
    github_actions_trust_policy,
    irsa_trust_policy,
)


def _github_actions_trust_policy(
    repositories, account_id, partition="aws", provider=GITHUB_ACTIONS_ISSUER, audience=STS_AUDIENCE
):
    try:
        return github_actions_trust_policy(list(repositories), str(account_id), partition, provider, audience)
    except InvalidPolicyInput as e:
        raise AnsibleFilterError(str(e)) from e


def _irsa_trust_policy(service_accounts, provider, audience=STS_AUDIENCE, account_id=None, partition="aws"):
    try:
        return irsa_trust_policy(provider, list(service_accounts), audience, account_id, partition)
    except InvalidPolicyInput as e:
        raise AnsibleFilterError(str(e)) from e


class FilterModule:
    def filters(self):
        return {
            "github_actions_trust_policy": _github_actions_trust_policy,
            "irsa_trust_policy": _irsa_trust_policy,
        }
