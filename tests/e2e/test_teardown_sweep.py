"""End to end on a fresh sandbox: teardown under --check, a sweep that finds an untagged leftover by its
name and a load balancer the AWS Load Balancer Controller left (by the cluster's tag), and a versioned
state bucket (versions, delete markers, a "null" version) deleted for good.

The steps depend on each other and run in file order (one module-scoped sandbox).
"""

from __future__ import annotations

STATE_KEY = "network/terraform.tfstate"


def state_bucket(sandbox) -> str:
    names = [b["Name"] for b in sandbox.client("s3").list_buckets()["Buckets"]]
    buckets = [name for name in names if name.startswith("ecommerce-demo-sandbox-tfstate-")]
    assert len(buckets) == 1, names
    return buckets[0]


def versions_of(sandbox, bucket: str) -> tuple[list[str], int]:
    listed = sandbox.client("s3").list_object_versions(Bucket=bucket)
    return [v["VersionId"] for v in listed.get("Versions", [])], len(listed.get("DeleteMarkers", []))


def repositories(sandbox) -> set[str]:
    return {r["repositoryName"] for r in sandbox.client("ecr").describe_repositories()["repositories"]}


def test_site_provisions_the_bootstrap(sandbox):
    run = sandbox.playbook("site.yml")
    assert run.returncode == 0, run.output
    assert repositories(sandbox) == {"ecommerce-demo-sandbox/backend", "ecommerce-demo-sandbox/frontend"}


def test_state_bucket_takes_versions_over_the_tls_only_policy(sandbox):
    """The bucket policy denies plain HTTP; the sandbox endpoint counts as the HTTPS front door."""
    s3, bucket = sandbox.client("s3"), state_bucket(sandbox)
    assert "aws:SecureTransport" in s3.get_bucket_policy(Bucket=bucket)["Policy"]
    s3.put_object(Bucket=bucket, Key=STATE_KEY, Body=b'{"serial": 1}')
    s3.put_object(Bucket=bucket, Key=STATE_KEY, Body=b'{"serial": 2}')
    s3.delete_object(Bucket=bucket, Key=STATE_KEY)  # a delete marker
    # A version written while versioning was suspended has VersionId "null".
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket=bucket, Key="eks/terraform.tfstate", Body=b'{"serial": 1}')
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    version_ids, markers = versions_of(sandbox, bucket)
    assert len(version_ids) == 3
    assert "null" in version_ids
    assert markers == 1


def test_teardown_in_check_mode_reports_and_deletes_nothing(sandbox):
    bucket = state_bucket(sandbox)
    before = versions_of(sandbox, bucket)
    run = sandbox.playbook("teardown.yml", "--check", "-e", "teardown_state_backend=true")
    assert run.returncode == 0, run.output
    assert "Check mode: nothing was deleted, so the sweep judges nothing." in run.output
    assert "repository/ecommerce-demo-sandbox/backend" in run.output  # what a real teardown must remove
    assert f"arn:aws:s3:::{bucket}" in run.output
    assert run.changed > 0, run.output
    assert repositories(sandbox) == {"ecommerce-demo-sandbox/backend", "ecommerce-demo-sandbox/frontend"}
    assert versions_of(sandbox, bucket) == before


def test_untagged_repository_named_like_ours_fails_the_sweep(sandbox):
    """Made by hand, or left by a run that failed between creating and tagging: found by its name."""
    ecr = sandbox.client("ecr")
    stray = ecr.create_repository(repositoryName="ecommerce-demo-sandbox/worker")["repository"][
        "repositoryArn"
    ]
    try:
        run = sandbox.playbook("teardown.yml")
        assert run.returncode != 0, run.output
        assert f"Left behind: {stray}." in run.output
        assert f"Found by name only (untagged, or tagged only in part): {stray}." in run.output
    finally:
        ecr.delete_repository(repositoryName="ecommerce-demo-sandbox/worker")
    assert repositories(sandbox) == set()  # the real run deleted ours; only the stray was left


def test_load_balancer_left_by_the_controller_fails_the_sweep(sandbox):
    """An ALB the AWS Load Balancer Controller made for the cluster (its tags, not ours), left behind."""
    ec2, elbv2 = sandbox.client("ec2"), sandbox.client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.99.{i}.0/24", AvailabilityZone=f"us-east-1{zone}")[
            "Subnet"
        ]["SubnetId"]
        for i, zone in enumerate("ab")
    ]
    tags = [
        {"Key": "elbv2.k8s.aws/cluster", "Value": "ecommerce-demo-sandbox"},
        {"Key": "ingress.k8s.aws/stack", "Value": "storefront/storefront"},
    ]
    stray = elbv2.create_load_balancer(Name="k8s-storefro-storefro-0123456789", Subnets=subnets, Tags=tags)[
        "LoadBalancers"
    ][0]["LoadBalancerArn"]
    try:
        run = sandbox.playbook("teardown.yml")
        assert run.returncode != 0, run.output
        assert "Left behind: " in run.output
        assert stray in run.output
    finally:
        elbv2.delete_load_balancer(LoadBalancerArn=stray)
        for subnet in subnets:
            ec2.delete_subnet(SubnetId=subnet)
        ec2.delete_vpc(VpcId=vpc)


def test_teardown_deletes_the_versioned_state_bucket(sandbox):
    bucket = state_bucket(sandbox)
    run = sandbox.playbook("teardown.yml", "-e", "teardown_state_backend=true")
    assert run.returncode == 0, run.output
    assert bucket not in [b["Name"] for b in sandbox.client("s3").list_buckets()["Buckets"]]
    assert sandbox.client("dynamodb").list_tables()["TableNames"] == []
    again = sandbox.playbook("teardown.yml", "-e", "teardown_state_backend=true")
    assert again.returncode == 0, again.output
    assert again.changed == 0, again.output
