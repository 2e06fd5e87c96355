"""Trust-policy builders: what a policy admits, and above all what it does not."""

import json

import pytest
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.iam_policies import (
    InvalidPolicyInput,
    comparable_role,
    github_actions_trust_policy,
    irsa_trust_policy,
    issuer_from_url,
    parse_provider_arn,
    plan_is_empty,
    plan_role_changes,
    policy_document,
    predicted_role,
    provider_arn_for,
    resolve_provider,
    trust_policy_admits,
)

ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
PROVIDER_ARN = f"arn:aws:iam::123456789012:oidc-provider/{ISSUER}"
OTHER_PROVIDER_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/FFFF"
SA_A = {"namespace": "kube-system", "name": "aws-load-balancer-controller"}
SUB_A = "system:serviceaccount:kube-system:aws-load-balancer-controller"
SUB_B = "system:serviceaccount:kube-system:cluster-autoscaler"


def claims(sub, aud="sts.amazonaws.com", issuer=ISSUER):
    return {f"{issuer}:sub": sub, f"{issuer}:aud": aud}


def test_irsa_trust_policy_has_the_documented_shape():
    policy = irsa_trust_policy(PROVIDER_ARN, [SA_A])
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ServiceAccountWebIdentity",
                "Effect": "Allow",
                "Principal": {"Federated": PROVIDER_ARN},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{ISSUER}:aud": "sts.amazonaws.com",
                        f"{ISSUER}:sub": SUB_A,
                    }
                },
            }
        ],
    }
    json.dumps(policy)  # plain JSON types only


def test_trust_policy_for_service_account_a_admits_a():
    policy = irsa_trust_policy(PROVIDER_ARN, [SA_A])
    assert trust_policy_admits(policy, PROVIDER_ARN, claims(SUB_A))


@pytest.mark.parametrize(
    ("principal", "token"),
    [
        pytest.param(PROVIDER_ARN, claims(SUB_B), id="service-account-B"),
        pytest.param(
            PROVIDER_ARN,
            claims("system:serviceaccount:default:aws-load-balancer-controller"),
            id="same-name-other-namespace",
        ),
        pytest.param(PROVIDER_ARN, claims(SUB_A + "-x"), id="name-with-suffix"),
        pytest.param(PROVIDER_ARN, claims(SUB_A, aud="https://kubernetes.default.svc"), id="other-audience"),
        pytest.param(PROVIDER_ARN, {f"{ISSUER}:sub": SUB_A}, id="no-audience"),
        pytest.param(PROVIDER_ARN, {f"{ISSUER}:aud": "sts.amazonaws.com"}, id="no-subject"),
        pytest.param(OTHER_PROVIDER_ARN, claims(SUB_A), id="other-cluster-provider"),
        pytest.param(
            PROVIDER_ARN,
            claims(SUB_A, issuer="oidc.eks.us-east-1.amazonaws.com/id/FFFF"),
            id="claims-keyed-by-another-issuer",
        ),
    ],
)
def test_trust_policy_for_service_account_a_does_not_admit(principal, token):
    policy = irsa_trust_policy(PROVIDER_ARN, [SA_A])
    assert not trust_policy_admits(policy, principal, token)


def test_trust_policy_does_not_admit_another_action():
    policy = irsa_trust_policy(PROVIDER_ARN, [SA_A])
    assert not trust_policy_admits(policy, PROVIDER_ARN, claims(SUB_A), action="sts:AssumeRole")


def test_several_service_accounts_are_each_admitted_and_no_other():
    policy = irsa_trust_policy(
        PROVIDER_ARN, ["kube-system/aws-load-balancer-controller", "kube-system:cluster-autoscaler"]
    )
    condition = policy["Statement"][0]["Condition"]["StringEquals"]
    assert condition[f"{ISSUER}:sub"] == [SUB_A, SUB_B]
    assert trust_policy_admits(policy, PROVIDER_ARN, claims(SUB_A))
    assert trust_policy_admits(policy, PROVIDER_ARN, claims(SUB_B))
    assert not trust_policy_admits(policy, PROVIDER_ARN, claims("system:serviceaccount:kube-system:*"))


def test_a_wildcard_service_account_is_never_a_pattern():
    with pytest.raises(InvalidPolicyInput):
        irsa_trust_policy(PROVIDER_ARN, [{"namespace": "kube-system", "name": "*"}])


def test_issuer_url_and_account_build_the_same_policy_as_the_arn():
    from_url = irsa_trust_policy(f"https://{ISSUER}/", [SA_A], account_id="123456789012")
    assert from_url == irsa_trust_policy(PROVIDER_ARN, [SA_A])


def test_custom_audience_replaces_sts():
    policy = irsa_trust_policy(PROVIDER_ARN, [SA_A], audience="my-audience")
    assert trust_policy_admits(policy, PROVIDER_ARN, claims(SUB_A, aud="my-audience"))
    assert not trust_policy_admits(policy, PROVIDER_ARN, claims(SUB_A))


@pytest.mark.parametrize(
    ("provider", "accounts", "message"),
    [
        pytest.param(ISSUER, None, "account id", id="issuer-without-account"),
        pytest.param("arn:aws:iam::123456789012:role/x", None, "OIDC provider ARN", id="role-arn"),
        pytest.param("http://" + ISSUER, "123456789012", "https", id="http-issuer"),
        pytest.param("", "123456789012", "empty", id="empty"),
    ],
)
def test_bad_provider_is_refused(provider, accounts, message):
    with pytest.raises(InvalidPolicyInput, match=message):
        irsa_trust_policy(provider, [SA_A], account_id=accounts)


@pytest.mark.parametrize(
    "service_accounts",
    [[], [{"namespace": "Kube-System", "name": "x"}], [{"namespace": "ns"}], ["no-namespace"]],
)
def test_bad_service_accounts_are_refused(service_accounts):
    with pytest.raises(InvalidPolicyInput):
        irsa_trust_policy(PROVIDER_ARN, service_accounts)


def test_provider_helpers_round_trip():
    assert issuer_from_url("https://OIDC.eks.us-east-1.amazonaws.com/id/ABC/") == (
        "oidc.eks.us-east-1.amazonaws.com/id/ABC"
    )
    assert parse_provider_arn(PROVIDER_ARN) == ("aws", "123456789012", ISSUER)
    assert provider_arn_for(ISSUER, "123456789012", "aws-cn") == PROVIDER_ARN.replace(":aws:", ":aws-cn:")
    assert resolve_provider(PROVIDER_ARN) == (PROVIDER_ARN, ISSUER)


GITHUB = "token.actions.githubusercontent.com"
GITHUB_ARN = f"arn:aws:iam::123456789012:oidc-provider/{GITHUB}"


def test_github_actions_trust_policy_matches_the_github_oidc_role_today():
    policy = github_actions_trust_policy(["ecommerce-demo/platform"], account_id="123456789012")
    assert policy["Statement"][0] == {
        "Sid": "GitHubActionsWebIdentity",
        "Effect": "Allow",
        "Principal": {"Federated": GITHUB_ARN},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"},
            "StringLike": {f"{GITHUB}:sub": "repo:ecommerce-demo/platform:*"},
        },
    }


def test_github_actions_trust_admits_only_its_repositories_and_audience():
    policy = github_actions_trust_policy(["ecommerce-demo/platform"], account_id="123456789012")

    def token(sub, aud="sts.amazonaws.com"):
        return claims(sub, aud, issuer=GITHUB)

    assert trust_policy_admits(policy, GITHUB_ARN, token("repo:ecommerce-demo/platform:ref:refs/heads/main"))
    assert trust_policy_admits(policy, GITHUB_ARN, token("repo:ecommerce-demo/platform:pull_request"))
    assert not trust_policy_admits(policy, GITHUB_ARN, token("repo:ecommerce-demo/platform-fork:ref:x"))
    assert not trust_policy_admits(policy, GITHUB_ARN, token("repo:someone/platform:ref:refs/heads/main"))
    assert not trust_policy_admits(
        policy, GITHUB_ARN, token("repo:ecommerce-demo/platform:ref:x", aud="other")
    )


@pytest.mark.parametrize("repositories", [[], ["https://github.com/a/b"], ["a/b:*"]])
def test_github_actions_refuses_what_is_not_owner_repo(repositories):
    with pytest.raises(InvalidPolicyInput):
        github_actions_trust_policy(repositories, account_id="123456789012")


def test_evaluator_refuses_operators_it_does_not_model():
    policy = irsa_trust_policy(PROVIDER_ARN, [SA_A])
    policy["Statement"][0]["Condition"]["ForAnyValue:StringEquals"] = {"x": "y"}
    with pytest.raises(InvalidPolicyInput):
        trust_policy_admits(policy, PROVIDER_ARN, {**claims(SUB_A), "x": "y"})


def role(**overrides):
    base = {
        "trust_policy": irsa_trust_policy(PROVIDER_ARN, [SA_A]),
        "description": "controller",
        "max_session_duration": 3600,
        "managed_policies": [],
        "inline_policies": {
            "p": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}],
            }
        },
        "tags": {"Project": "ecommerce-demo"},
    }
    base.update(overrides)
    return base


def test_plan_for_an_absent_role_is_a_creation_with_its_policies():
    desired = role(managed_policies=["arn:aws:iam::aws:policy/ReadOnlyAccess"])
    plan = plan_role_changes(None, desired)
    assert plan == {"create": True, "attach": ["arn:aws:iam::aws:policy/ReadOnlyAccess"], "put_inline": ["p"]}
    predicted = predicted_role(None, desired, plan)
    assert predicted["tags"] == {"Project": "ecommerce-demo"}
    assert predicted["managed_policies"] == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]


def test_plan_for_a_converged_role_is_empty():
    assert plan_is_empty(plan_role_changes(role(), role()))


def test_plan_corrects_a_drifted_trust_policy_only():
    drifted = role(trust_policy=irsa_trust_policy(PROVIDER_ARN, ["kube-system/cluster-autoscaler"]))
    plan = plan_role_changes(drifted, role())
    assert plan["trust_policy"]
    assert not any(v for k, v in plan.items() if k != "trust_policy")
    assert comparable_role(predicted_role(drifted, role(), plan))["trust_policy"] == role()["trust_policy"]


def test_plan_detects_policy_tag_and_attribute_drift():
    current = role(
        managed_policies=["arn:aws:iam::aws:policy/AdministratorAccess"],
        inline_policies={"p": {"Statement": []}, "extra": {"Statement": []}},
        tags={"Project": "ecommerce-demo", "Owner": "someone"},
        description="old",
    )
    plan = plan_role_changes(current, role())
    assert plan["detach"] == ["arn:aws:iam::aws:policy/AdministratorAccess"]
    assert plan["put_inline"] == ["p"]
    assert plan["delete_inline"] == ["extra"]
    assert plan["tags_to_remove"] == ["Owner"]
    assert plan["update_role"]
    kept = plan_role_changes(
        current, role(), purge_managed_policies=False, purge_inline_policies=False, purge_tags=False
    )
    assert kept["detach"] == []
    assert kept["delete_inline"] == []
    assert kept["tags_to_remove"] == []


def test_unset_description_and_tags_are_left_alone():
    current = role(description="set by hand", tags={"Owner": "someone"})
    plan = plan_role_changes(current, role(description=None, tags=None))
    assert plan_is_empty(plan)


def test_policy_document_accepts_dicts_and_json_and_refuses_the_rest():
    assert policy_document('{"Statement": []}') == {"Statement": []}
    assert policy_document({"Statement": []}) == {"Statement": []}
    with pytest.raises(InvalidPolicyInput):
        policy_document("[1, 2]")
    with pytest.raises(InvalidPolicyInput):
        policy_document("not json")
