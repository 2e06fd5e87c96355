"""End to end on a fresh sandbox: site.yml, a shopper buying on the local shop in headless Chromium, site.yml
again (changed=0), --check (changed=0), teardown, sweep.

The steps depend on each other and run in file order (one module-scoped sandbox).
"""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from tests.app.browser.test_browser_purchase import SCREENSHOT, browser, buy_from_the_home_page, open_page

# browser: the module-scoped fixture that launches Debian's Chromium (tests/app/browser).
__all__ = ["browser"]
PROJECT_TAG = {"Key": "Project", "Values": ["ecommerce-demo"]}
PREFIX = "ecommerce-demo-sandbox"  # project_name_prefix of inventories/local (environment "sandbox")
ROLE = f"{PREFIX}-github-actions"
# The add-ons phase's Helm releases, by namespace (roles/addons).
ADDON_RELEASES = {
    "aws-load-balancer-controller": "kube-system",
    "external-secrets": "external-secrets",
    "cluster-autoscaler": "kube-system",
    "argo-cd": "argocd",
}


def our_leftovers(sandbox) -> list[str]:
    """Everything of ours, found without the collection's own modules: boto3 straight to the APIs."""
    tagging = sandbox.client("resourcegroupstaggingapi")
    found = [
        m["ResourceARN"] for m in tagging.get_resources(TagFilters=[PROJECT_TAG])["ResourceTagMappingList"]
    ]
    found += [f"s3:{b['Name']}" for b in sandbox.client("s3").list_buckets()["Buckets"]]
    found += [f"dynamodb:{t}" for t in sandbox.client("dynamodb").list_tables()["TableNames"]]
    found += [r["repositoryArn"] for r in sandbox.client("ecr").describe_repositories()["repositories"]]
    iam = sandbox.client("iam")
    found += [r["Arn"] for r in iam.list_roles()["Roles"] if r["RoleName"] == ROLE]
    found += [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    return sorted(set(found))


def test_site_provisions_the_platform(sandbox):
    run = sandbox.playbook("site.yml")
    assert run.returncode == 0, run.output
    assert run.changed > 0
    repositories = {
        r["repositoryName"] for r in sandbox.client("ecr").describe_repositories()["repositories"]
    }
    assert repositories == {f"{PREFIX}/backend", f"{PREFIX}/frontend"}
    assert any(
        b["Name"].startswith(f"{PREFIX}-tfstate-") for b in sandbox.client("s3").list_buckets()["Buckets"]
    )
    assert sandbox.client("iam").get_role(RoleName=ROLE)["Role"]["Arn"]
    assert sandbox.helm_releases() == ADDON_RELEASES


def shop_url(sandbox) -> str:
    return f"http://127.0.0.1:{sandbox.env['SANDBOX_SHOP_PORT']}"


def test_a_shopper_buys_a_product_on_the_local_shop(sandbox, browser):
    """The app phase left the shop running on the sandbox's data stores, with the seeded credentials."""
    context, page, browser_errors = open_page(browser, javascript=True)
    try:
        buy_from_the_home_page(
            page, shop_url(sandbox), javascript=True, email="ada@example.com", name="Ada Lovelace"
        )
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT.with_name("sandbox-shop-order.png")), full_page=True)
    finally:
        context.close()
    assert browser_errors == []


def test_site_again_changes_nothing(sandbox):
    run = sandbox.playbook("site.yml")
    assert run.returncode == 0, run.output
    assert run.changed == 0, run.output


def test_site_in_check_mode_changes_nothing(sandbox):
    run = sandbox.playbook("site.yml", "--check")
    assert run.returncode == 0, run.output
    assert run.changed == 0, run.output


def test_teardown_keeps_the_state_backend_by_default(sandbox):
    run = sandbox.playbook("teardown.yml")
    assert run.returncode == 0, run.output
    with pytest.raises(urllib.error.URLError, match="Connection refused"):  # shop stopped
        urllib.request.urlopen(shop_url(sandbox), timeout=5)  # noqa: S310
    left = our_leftovers(sandbox)
    assert len(left) == 4, left  # the bucket and the lock table, each seen by tag and by listing
    assert all("tfstate" in arn for arn in left), left


def test_sweep_fails_on_a_leftover(sandbox):
    ecr = sandbox.client("ecr")
    stray = ecr.create_repository(
        repositoryName="ecommerce-demo/stray",
        tags=[{"Key": "Project", "Value": "ecommerce-demo"}, {"Key": "Environment", "Value": "sandbox"}],
    )["repository"]["repositoryArn"]
    try:
        run = sandbox.playbook("teardown.yml")
        assert run.returncode != 0
        assert f"Left behind: {stray}" in run.output
    finally:
        ecr.delete_repository(repositoryName="ecommerce-demo/stray")


def test_teardown_with_state_backend_leaves_nothing(sandbox):
    run = sandbox.playbook("teardown.yml", "-e", "teardown_state_backend=true")
    assert run.returncode == 0, run.output
    assert our_leftovers(sandbox) == []
    again = sandbox.playbook("teardown.yml", "-e", "teardown_state_backend=true")
    assert again.returncode == 0, again.output
    assert again.changed == 0, again.output
    assert sandbox.helm_releases() == {}
