"""The IRSA roles' permission policies (roles/irsa/templates) pass parliament's audit.

Each template is rendered with the variables the role gives it; parliament (pinned in
requirements.txt) must report nothing of medium severity or above. Trust policies are not audited here:
parliament reads every document as an identity policy (it wants a Resource, which a trust policy
never has) and knows no OIDC provider ARN as a federation source; what a trust policy admits is
proven by tests/unit/plugins/module_utils/test_iam_policies.py instead.
"""

import gc
import json
import warnings
from pathlib import Path

import jinja2
import pytest

with warnings.catch_warnings():
    # parliament reads its config.yaml at import without closing the file.
    warnings.simplefilter("ignore", ResourceWarning)
    import parliament

    gc.collect()

TEMPLATES = Path(__file__).resolve().parents[3] / "roles" / "irsa" / "templates"
POLICY_FILES = sorted(TEMPLATES.glob("*.json.j2"))
SEVERITY_ORDER = ["MUTE", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
ROLE_VARS = {
    "irsa__partition": "aws",
    "irsa__region": "us-east-1",
    "irsa__account_id": "123456789012",
    "irsa_cluster_name": "ecommerce-demo",
    "irsa_secrets_prefix": "ecommerce-demo",
}


def render(path):
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)  # noqa: S701 - JSON
    return json.loads(environment.from_string(path.read_text()).render(**ROLE_VARS))


def serious_findings(document):
    findings = [
        parliament.enhance_finding(f) for f in parliament.analyze_policy_string(json.dumps(document)).findings
    ]
    return [
        f"{f.severity} {f.issue}: {f.detail} {f.location}"
        for f in findings
        if SEVERITY_ORDER.index(f.severity) >= SEVERITY_ORDER.index("MEDIUM")
    ]


def test_there_are_three_policy_files():
    assert [p.name for p in POLICY_FILES] == [
        "aws-load-balancer-controller.json.j2",
        "cluster-autoscaler.json.j2",
        "external-secrets.json.j2",
    ]


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda p: p.name)
def test_permission_policy_has_no_medium_or_worse_finding(path):
    assert serious_findings(render(path)) == []


def test_parliament_does_report_a_medium_finding():
    """The control case: the audit is live (an object action on a bucket ARN is a medium finding)."""
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket"}],
    }
    assert serious_findings(document)


def test_external_secrets_reads_only_this_environments_secrets():
    statements = render(TEMPLATES / "external-secrets.json.j2")["Statement"]
    assert [s["Resource"] for s in statements] == [
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecommerce-demo/*"
    ]
    assert sorted(statements[0]["Action"]) == [
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetResourcePolicy",
        "secretsmanager:GetSecretValue",
        "secretsmanager:ListSecretVersionIds",
    ]


def test_cluster_autoscaler_scales_only_groups_tagged_for_this_cluster():
    statements = {s["Sid"]: s for s in render(TEMPLATES / "cluster-autoscaler.json.j2")["Statement"]}
    assert statements["ScaleOnlyThisClustersNodeGroups"]["Condition"]["StringEquals"] == {
        "aws:ResourceTag/k8s.io/cluster-autoscaler/ecommerce-demo": "owned",
        "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true",
    }
    assert statements["DescribeThisClustersNodeGroups"]["Resource"].endswith(":nodegroup/ecommerce-demo/*/*")
    # Only read-only actions are granted without a resource or tag scope.
    assert all(
        a.split(":")[1].startswith(("Describe", "Get")) for a in statements["DiscoverNodeGroups"]["Action"]
    )
