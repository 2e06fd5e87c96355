"""ElastiCache in the sandbox creates, describes, modifies and deletes replication groups as AWS does."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

TAGS = [{"Key": "Project", "Value": "fidelity-elasticache"}]


@pytest.fixture
def clients(aws_endpoint: str):
    def make(service: str):
        return boto3.client(
            service,
            endpoint_url=aws_endpoint,
            region_name="us-east-1",
            aws_access_key_id="sandbox",
            aws_secret_access_key="sandbox",
        )

    return make("ec2"), make("elasticache"), make("resourcegroupstaggingapi")


def _subnet_group(ec2, elasticache, name: str, cidr: str) -> list[str]:
    vpc = ec2.create_vpc(CidrBlock=f"{cidr}.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"{cidr}.{i}.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
        for i, az in enumerate(("us-east-1a", "us-east-1b"))
    ]
    elasticache.create_cache_subnet_group(
        CacheSubnetGroupName=name, CacheSubnetGroupDescription="test", SubnetIds=subnets, Tags=TAGS
    )
    return subnets


def _create_group(elasticache, group_id: str, subnet_group: str) -> dict:
    return elasticache.create_replication_group(
        ReplicationGroupId=group_id,
        ReplicationGroupDescription="fidelity",
        Engine="redis",
        EngineVersion="7.1",
        CacheNodeType="cache.t3.micro",
        NumCacheClusters=1,
        CacheSubnetGroupName=subnet_group,
        SecurityGroupIds=["sg-0123456789abcdef0"],
        AuthToken="a-token-of-twenty-chars",
        TransitEncryptionEnabled=True,
        AtRestEncryptionEnabled=True,
        Tags=TAGS,
    )["ReplicationGroup"]


def _status(elasticache, group_id: str) -> str:
    return elasticache.describe_replication_groups(ReplicationGroupId=group_id)["ReplicationGroups"][0][
        "Status"
    ]


def test_created_group_is_creating_then_available_with_member_cluster_nodes(clients) -> None:
    ec2, elasticache, _ = clients
    _subnet_group(ec2, elasticache, "fid-create", "10.61")
    created = _create_group(elasticache, "fid-create", "fid-create")
    assert created["Status"] == "creating"
    assert created["MemberClusters"] == ["fid-create-001"]
    assert _status(elasticache, "fid-create") == "creating"
    assert _status(elasticache, "fid-create") == "available"
    cluster = elasticache.describe_cache_clusters(CacheClusterId="fid-create-001", ShowCacheNodeInfo=True)[
        "CacheClusters"
    ][0]
    assert cluster["CacheClusterStatus"] == "available"
    assert cluster["ReplicationGroupId"] == "fid-create"
    assert cluster["CacheSubnetGroupName"] == "fid-create"
    assert cluster["EngineVersion"] == "7.1"
    assert cluster["SecurityGroups"] == [{"SecurityGroupId": "sg-0123456789abcdef0", "Status": "active"}]
    [node] = cluster["CacheNodes"]
    assert node["Endpoint"]["Port"] == 6379
    assert node["Endpoint"]["Address"].startswith("fid-create-001.")


def test_modify_passes_through_modifying_and_reaches_member_clusters(clients) -> None:
    ec2, elasticache, _ = clients
    _subnet_group(ec2, elasticache, "fid-modify", "10.62")
    _create_group(elasticache, "fid-modify", "fid-modify")
    _status(elasticache, "fid-modify"), _status(elasticache, "fid-modify")
    modified = elasticache.modify_replication_group(
        ReplicationGroupId="fid-modify",
        CacheNodeType="cache.t3.small",
        SecurityGroupIds=["sg-0fedcba9876543210"],
        ApplyImmediately=True,
    )["ReplicationGroup"]
    assert modified["Status"] == "modifying"
    assert _status(elasticache, "fid-modify") == "modifying"
    assert _status(elasticache, "fid-modify") == "available"
    group = elasticache.describe_replication_groups(ReplicationGroupId="fid-modify")["ReplicationGroups"][0]
    assert group["CacheNodeType"] == "cache.t3.small"
    cluster = elasticache.describe_cache_clusters(CacheClusterId="fid-modify-001")["CacheClusters"][0]
    assert cluster["CacheNodeType"] == "cache.t3.small"
    assert cluster["SecurityGroups"] == [{"SecurityGroupId": "sg-0fedcba9876543210", "Status": "active"}]


def test_modify_cache_cluster_exists(clients) -> None:
    ec2, elasticache, _ = clients
    _subnet_group(ec2, elasticache, "fid-cluster", "10.63")
    elasticache.create_cache_cluster(
        CacheClusterId="fid-single",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        CacheSubnetGroupName="fid-cluster",
    )
    modified = elasticache.modify_cache_cluster(
        CacheClusterId="fid-single", CacheNodeType="cache.t3.small", ApplyImmediately=True
    )["CacheCluster"]
    assert modified["CacheClusterStatus"] == "modifying"
    assert modified["CacheNodeType"] == "cache.t3.small"


def test_delete_ends_with_not_found_and_frees_the_subnet_group(clients) -> None:
    ec2, elasticache, tagging = clients
    _subnet_group(ec2, elasticache, "fid-delete", "10.64")
    _create_group(elasticache, "fid-delete", "fid-delete")
    with pytest.raises(ClientError, match="InvalidReplicationGroupState"):
        elasticache.delete_replication_group(ReplicationGroupId="fid-delete")  # still creating, as on AWS
    _status(elasticache, "fid-delete"), _status(elasticache, "fid-delete")
    with pytest.raises(ClientError, match="CacheSubnetGroupInUse"):
        elasticache.delete_cache_subnet_group(CacheSubnetGroupName="fid-delete")
    assert elasticache.delete_replication_group(ReplicationGroupId="fid-delete")["ReplicationGroup"][
        "Status"
    ] == ("deleting")
    assert _status(elasticache, "fid-delete") == "deleting"
    with pytest.raises(ClientError, match="ReplicationGroupNotFoundFault"):
        _status(elasticache, "fid-delete")
    with pytest.raises(ClientError, match="CacheClusterNotFound"):
        elasticache.describe_cache_clusters(CacheClusterId="fid-delete-001")
    elasticache.delete_cache_subnet_group(CacheSubnetGroupName="fid-delete")
    with pytest.raises(ClientError, match="CacheSubnetGroupNotFoundFault"):
        elasticache.delete_cache_subnet_group(CacheSubnetGroupName="fid-delete")
    arns = [
        m["ResourceARN"]
        for m in tagging.get_resources(TagFilters=[{"Key": "Project", "Values": ["fidelity-elasticache"]}])[
            "ResourceTagMappingList"
        ]
    ]
    assert not [arn for arn in arns if "fid-delete" in arn]


def test_modify_cache_subnet_group_replaces_subnets(clients) -> None:
    ec2, elasticache, _ = clients
    subnets = _subnet_group(ec2, elasticache, "fid-subnets", "10.65")
    changed = elasticache.modify_cache_subnet_group(
        CacheSubnetGroupName="fid-subnets", SubnetIds=subnets[:1]
    )["CacheSubnetGroup"]
    assert [s["SubnetIdentifier"] for s in changed["Subnets"]] == subnets[:1]


def test_tagging_api_lists_groups_and_subnet_groups_by_aws_type(clients) -> None:
    ec2, elasticache, tagging = clients
    _subnet_group(ec2, elasticache, "fid-sweep", "10.66")
    _create_group(elasticache, "fid-sweep", "fid-sweep")
    found = tagging.get_resources(
        TagFilters=[{"Key": "Project", "Values": ["fidelity-elasticache"]}],
        ResourceTypeFilters=["elasticache:replicationgroup", "elasticache:subnetgroup"],
    )["ResourceTagMappingList"]
    arns = {m["ResourceARN"] for m in found}
    assert "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:fid-sweep" in arns
    assert "arn:aws:elasticache:us-east-1:123456789012:subnetgroup:fid-sweep" in arns
