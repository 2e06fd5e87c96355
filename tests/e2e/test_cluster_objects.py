"""What the add-ons and app phases leave in the cluster after the shared site's first converge: the flow
seed → Secrets Manager → ClusterSecretStore → ExternalSecret → Secret → Deployments, the Ingress's ALB
(made in the sandbox's AWS by the emulator's load balancer controller) and CloudFront's origin for it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import BIN

NAMESPACE = "storefront"
SECRET_KEYS = {"DATABASE_URL", "REDIS_URL", "REDIS_PASSWORD"}


def kubectl_get(site, *args: str) -> dict:
    kubeconfig = Path(site.env["SANDBOX_HOME"]) / "kube" / "kubeconfig"
    listed = subprocess.run(
        [str(BIN / "kubectl"), f"--kubeconfig={kubeconfig}", "get", *args, "--output=json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(listed.stdout)


def ready(item: dict, condition: str = "Ready") -> bool:
    conditions = (item.get("status") or {}).get("conditions") or []
    return any(c["type"] == condition and c["status"] == "True" for c in conditions)


@pytest.mark.after_first_converge
def test_the_cluster_secret_store_is_ready(site):
    store = kubectl_get(site, "clustersecretstore", "aws-secrets-manager")
    assert ready(store), store.get("status")


@pytest.mark.after_first_converge
def test_the_external_secret_materialises_the_backend_secret(site):
    external_secrets = kubectl_get(site, "externalsecret", "--namespace", NAMESPACE)["items"]
    assert external_secrets, "the app phase made no ExternalSecret"
    for external_secret in external_secrets:
        assert ready(external_secret), external_secret.get("status")
        target = external_secret["spec"]["target"]["name"]
        secret = kubectl_get(site, "secret", target, "--namespace", NAMESPACE)
        assert set(secret["data"]) >= SECRET_KEYS, sorted(secret["data"])


@pytest.mark.after_first_converge
def test_the_storefront_deployments_are_available(site):
    deployments = kubectl_get(site, "deployment", "--namespace", NAMESPACE)["items"]
    assert {d["metadata"]["name"] for d in deployments} == {"storefront-backend", "storefront-frontend"}
    assert all(ready(d, "Available") for d in deployments), [d.get("status") for d in deployments]


@pytest.mark.after_first_converge
def test_the_ingress_has_the_alb_and_cloudfront_points_at_it(site):
    ingress = kubectl_get(site, "ingress", "storefront", "--namespace", NAMESPACE)
    hostname = ingress["status"]["loadBalancer"]["ingress"][0]["hostname"]
    balancers = site.client("elbv2").describe_load_balancers()["LoadBalancers"]
    assert hostname in {b["DNSName"] for b in balancers}, hostname
    origins = [
        origin["DomainName"]
        for summary in site.client("cloudfront").list_distributions()["DistributionList"].get("Items", [])
        for origin in summary["Origins"]["Items"]
    ]
    assert hostname in origins, origins
