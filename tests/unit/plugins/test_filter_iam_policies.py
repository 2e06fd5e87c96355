"""The trust-policy filters give the builders' documents, and Ansible errors for bad input."""

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.ecommerce_demo.platform.plugins.filter.iam_policies import FilterModule

FILTERS = FilterModule().filters()
GITHUB = "token.actions.githubusercontent.com"


def test_github_actions_filter_gives_the_trust_policy_github_oidc_writes_today():
    policy = FILTERS["github_actions_trust_policy"](["ecommerce-demo/platform"], "123456789012")
    assert policy["Statement"][0]["Principal"] == {
        "Federated": f"arn:aws:iam::123456789012:oidc-provider/{GITHUB}"
    }
    assert policy["Statement"][0]["Condition"] == {
        "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"},
        "StringLike": {f"{GITHUB}:sub": "repo:ecommerce-demo/platform:*"},
    }


def test_irsa_filter_pins_the_service_account():
    policy = FILTERS["irsa_trust_policy"](
        [{"namespace": "kube-system", "name": "cluster-autoscaler"}],
        "https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
        account_id="123456789012",
    )
    condition = policy["Statement"][0]["Condition"]["StringEquals"]
    assert condition["oidc.eks.us-east-1.amazonaws.com/id/ABC:sub"] == (
        "system:serviceaccount:kube-system:cluster-autoscaler"
    )


def test_bad_input_is_an_ansible_filter_error():
    with pytest.raises(AnsibleFilterError, match="owner/repo"):
        FILTERS["github_actions_trust_policy"](["not a repository"], "123456789012")
