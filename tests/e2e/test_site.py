"""End to end on the shared site (tests/e2e/conftest.py): site.yml, a shopper buying on the local shop in
headless Chromium, again (changed=0), --check (changed=0); teardown under --check; teardown, the sweep
failing on leftovers tagged or named like ours (or by the load balancer controller's cluster tag), and the
versioned state bucket (versions, delete markers, a "null" version) deleted for good.

`make test-e2e` runs this file a second time, alone, without mitogen (ANSIBLE_STRATEGY=linear).
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
STATE_KEY = "network/terraform.tfstate"
# The Helm releases by namespace: the add-ons phase's (roles/addons) and the app's (roles/app_deploy).
RELEASES = {
    "aws-load-balancer-controller": "kube-system",
    "external-secrets": "external-secrets",
    "cluster-autoscaler": "kube-system",
    "argo-cd": "argocd",
    "storefront": "storefront",
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


def state_bucket(sandbox) -> str:
    names = [b["Name"] for b in sandbox.client("s3").list_buckets()["Buckets"]]
    buckets = [name for name in names if name.startswith(f"{PREFIX}-tfstate-")]
    assert len(buckets) == 1, names
    return buckets[0]


def versions_of(sandbox, bucket: str) -> tuple[list[str], int]:
    listed = sandbox.client("s3").list_object_versions(Bucket=bucket)
    return [v["VersionId"] for v in listed.get("Versions", [])], len(listed.get("DeleteMarkers", []))


def repositories(sandbox) -> set[str]:
    return {r["repositoryName"] for r in sandbox.client("ecr").describe_repositories()["repositories"]}


@pytest.mark.after_first_converge
def test_site_provisions_the_platform(site):
    run = site.first_converge
    assert run.changed > 0
    assert repositories(site) == {f"{PREFIX}/backend", f"{PREFIX}/frontend"}
    assert any(
        b["Name"].startswith(f"{PREFIX}-tfstate-") for b in site.client("s3").list_buckets()["Buckets"]
    )
    assert site.client("iam").get_role(RoleName=ROLE)["Role"]["Arn"]
    assert site.helm_releases() == RELEASES


def shop_url(site) -> str:
    return f"http://127.0.0.1:{site.env['SANDBOX_SHOP_PORT']}"


@pytest.mark.after_first_converge
def test_a_shopper_buys_a_product_on_the_local_shop(site, browser):
    """The app phase left the shop running on the sandbox's data stores, with the seeded credentials."""
    context, page, browser_errors = open_page(browser, javascript=True)
    try:
        buy_from_the_home_page(
            page, shop_url(site), javascript=True, email="ada@example.com", name="Ada Lovelace"
        )
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT.with_name("sandbox-shop-order.png")), full_page=True)
    finally:
        context.close()
    assert browser_errors == []


@pytest.mark.after_first_converge
def test_site_again_changes_nothing(site):
    run = site.playbook("site.yml")
    assert run.returncode == 0, run.output
    assert run.changed == 0, run.output


@pytest.mark.after_first_converge
def test_site_in_check_mode_changes_nothing(site):
    run = site.playbook("site.yml", "--check", "--diff")
    assert run.returncode == 0, run.output
    assert run.changed == 0, run.output


def test_state_bucket_takes_versions_over_the_tls_only_policy(site):
    """The bucket policy denies plain HTTP; the sandbox endpoint counts as the HTTPS front door. The state
    files written here stay: a converged account holds them, and the teardown below deletes them."""
    s3, bucket = site.client("s3"), state_bucket(site)
    assert "aws:SecureTransport" in s3.get_bucket_policy(Bucket=bucket)["Policy"]
    s3.put_object(Bucket=bucket, Key=STATE_KEY, Body=b'{"serial": 1}')
    s3.put_object(Bucket=bucket, Key=STATE_KEY, Body=b'{"serial": 2}')
    s3.delete_object(Bucket=bucket, Key=STATE_KEY)  # a delete marker
    # A version written while versioning was suspended has VersionId "null".
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket=bucket, Key="eks/terraform.tfstate", Body=b'{"serial": 1}')
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    version_ids, markers = versions_of(site, bucket)
    assert len(version_ids) == 3
    assert "null" in version_ids
    assert markers == 1


@pytest.mark.any_strategy
def test_teardown_in_check_mode_reports_and_deletes_nothing(site):
    bucket = state_bucket(site)
    before = versions_of(site, bucket)
    assert before[0], "the state bucket holds versions (the test above)"
    run = site.playbook("teardown.yml", "--check", "-e", "teardown_state_backend=true")
    assert run.returncode == 0, run.output
    assert "Check mode: nothing was deleted, so the sweep judges nothing." in run.output
    assert f"repository/{PREFIX}/backend" in run.output  # what a real teardown must remove
    assert f"arn:aws:s3:::{bucket}" in run.output
    assert run.changed > 0, run.output
    assert repositories(site) == {f"{PREFIX}/backend", f"{PREFIX}/frontend"}
    assert versions_of(site, bucket) == before


@pytest.mark.site_teardown
def test_teardown_keeps_the_state_backend_by_default(site):
    run = site.playbook("teardown.yml")
    assert run.returncode == 0, run.output
    with pytest.raises(urllib.error.URLError, match="Connection refused"):  # the local shop stopped
        urllib.request.urlopen(shop_url(site), timeout=5)  # noqa: S310
    assert site.helm_releases() == {}
    left = our_leftovers(site)
    assert len(left) == 4, left  # the bucket and the lock table, each seen by tag and by listing
    assert all("tfstate" in arn for arn in left), left
    # The sweep ran last and judged: only the kept state backend is left.
    assert "Nothing of ecommerce-demo/sandbox is left but the kept state backend." in run.output


@pytest.mark.site_teardown
@pytest.mark.any_strategy
def test_the_sweep_names_every_leftover_tagged_named_or_left_by_the_controller(site):
    """Three leftovers after the teardown: a repository tagged as ours; one named like ours but untagged
    (made by hand, or left by a run that failed between creating and tagging); an ALB the AWS Load Balancer
    Controller made for the cluster (its tags, not ours). The sweep, teardown.yml's last play (the test
    above saw it judge), must fail and name each one."""
    ecr, ec2, elbv2 = site.client("ecr"), site.client("ec2"), site.client("elbv2")
    tagged = ecr.create_repository(
        repositoryName="ecommerce-demo/stray",
        tags=[{"Key": "Project", "Value": "ecommerce-demo"}, {"Key": "Environment", "Value": "sandbox"}],
    )["repository"]["repositoryArn"]
    named = ecr.create_repository(repositoryName=f"{PREFIX}/worker")["repository"]["repositoryArn"]
    vpc = ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.99.{i}.0/24", AvailabilityZone=f"us-east-1{zone}")[
            "Subnet"
        ]["SubnetId"]
        for i, zone in enumerate("ab")
    ]
    controller_tags = [
        {"Key": "elbv2.k8s.aws/cluster", "Value": PREFIX},
        {"Key": "ingress.k8s.aws/stack", "Value": "storefront/storefront"},
    ]
    load_balancer = elbv2.create_load_balancer(
        Name="k8s-storefro-storefro-0123456789", Subnets=subnets, Tags=controller_tags
    )["LoadBalancers"][0]["LoadBalancerArn"]
    try:
        run = site.playbook("playbooks/teardown/sweep.yml")
        assert run.returncode != 0, run.output
        left = run.output[run.output.index("Left behind: ") :].split(".")[0]
        assert all(arn in left for arn in (tagged, named, load_balancer)), run.output
        by_name_only = run.output[run.output.index("Found by name only") :].split(".")[0]
        assert named in by_name_only, run.output
        assert tagged not in by_name_only, run.output
    finally:
        ecr.delete_repository(repositoryName="ecommerce-demo/stray")
        ecr.delete_repository(repositoryName=f"{PREFIX}/worker")
        elbv2.delete_load_balancer(LoadBalancerArn=load_balancer)
        for subnet in subnets:
            ec2.delete_subnet(SubnetId=subnet)
        ec2.delete_vpc(VpcId=vpc)
    assert repositories(site) == set()


@pytest.mark.site_teardown
def test_teardown_with_state_backend_deletes_the_versioned_bucket_and_leaves_nothing(site):
    bucket = state_bucket(site)
    assert versions_of(site, bucket)[0], "the state bucket holds versions (a test above)"
    run = site.playbook("teardown.yml", "-e", "teardown_state_backend=true")
    assert run.returncode == 0, run.output
    assert bucket not in [b["Name"] for b in site.client("s3").list_buckets()["Buckets"]]
    assert site.client("dynamodb").list_tables()["TableNames"] == []
    assert our_leftovers(site) == []
    again = site.playbook("teardown.yml", "-e", "teardown_state_backend=true")
    assert again.returncode == 0, again.output
    assert again.changed == 0, again.output
