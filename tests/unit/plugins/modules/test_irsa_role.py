"""irsa_role with `roles`: several roles converged in one run, each planned, created, left alone; drift in
one reaches that one only; absent deletes them all."""

import json

from ansible_collections.ecommerce_demo.platform.plugins.modules import irsa_role as role_module

ACCOUNT = "123456789012"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}
ROLES = [
    {
        "name": "demo-external-secrets",
        "service_accounts": [{"namespace": "external-secrets", "name": "external-secrets"}],
        "inline_policies": {"external-secrets": POLICY},
        "description": "External Secrets",
    },
    {
        "name": "demo-cluster-autoscaler",
        "service_accounts": [{"namespace": "kube-system", "name": "cluster-autoscaler"}],
        "inline_policies": {"cluster-autoscaler": POLICY},
    },
]
WANTED = {
    "roles": ROLES,
    "oidc_provider": PROVIDER,
    "tags": {"Project": "demo"},
    "max_session_duration": 3600,
}


def test_roles_are_planned_created_and_then_left_alone(moto_client, run_module):
    iam = moto_client("iam")
    plan = run_module(role_module, check_mode=True, diff=True, **WANTED)
    assert plan["changed"] is True
    assert [r["role_name"] for r in plan["roles"]] == ["demo-external-secrets", "demo-cluster-autoscaler"]
    assert sorted(plan["diff"]["after"]) == ["demo-cluster-autoscaler", "demo-external-secrets"]
    assert not any(plan["diff"]["before"].values())
    assert iam.list_roles()["Roles"] == []
    made = run_module(role_module, **WANTED)
    assert [r["arn"] for r in made["roles"]] == [
        f"arn:aws:iam::{ACCOUNT}:role/demo-external-secrets",
        f"arn:aws:iam::{ACCOUNT}:role/demo-cluster-autoscaler",
    ]
    assert made["roles"][0]["description"] == "External Secrets"
    assert made["roles"][1]["description"] == ""  # the module's own (none given) for the entry without one
    sub = made["roles"][1]["trust_policy"]["Statement"][0]["Condition"]["StringEquals"]
    assert "system:serviceaccount:kube-system:cluster-autoscaler" in sub.values()
    for check_mode in (True, False):
        assert run_module(role_module, check_mode=check_mode, **WANTED)["changed"] is False


def test_drift_in_one_role_reaches_that_role(moto_client, run_module):
    iam = moto_client("iam")
    run_module(role_module, **WANTED)
    iam.put_role_policy(
        RoleName="demo-cluster-autoscaler", PolicyName="extra", PolicyDocument=json.dumps(POLICY)
    )
    plan = run_module(role_module, check_mode=True, diff=True, **WANTED)
    assert plan["changed"] is True
    assert plan["diff"]["before"]["demo-external-secrets"] == plan["diff"]["after"]["demo-external-secrets"]
    assert "extra" in plan["diff"]["before"]["demo-cluster-autoscaler"]["inline_policies"]
    assert run_module(role_module, **WANTED)["changed"] is True
    assert iam.list_role_policies(RoleName="demo-cluster-autoscaler")["PolicyNames"] == ["cluster-autoscaler"]
    assert run_module(role_module, **WANTED)["changed"] is False


def test_absent_deletes_every_role_and_then_nothing(moto_client, run_module):
    iam = moto_client("iam")
    run_module(role_module, **WANTED)
    absent = {"roles": [{"name": r["name"]} for r in ROLES], "state": "absent"}
    assert run_module(role_module, check_mode=True, **absent)["changed"] is True
    assert len(iam.list_roles()["Roles"]) == 2
    assert run_module(role_module, **absent)["changed"] is True
    assert iam.list_roles()["Roles"] == []
    assert run_module(role_module, **absent)["changed"] is False


def test_each_role_needs_its_service_accounts(moto_client, run_module):
    missing = {**WANTED, "roles": [{"name": "demo-nobody", "inline_policies": {"p": POLICY}}]}
    failed = run_module(role_module, **missing)
    assert failed["failed"] is True
    assert "service_accounts is missing for role demo-nobody" in failed["msg"]
