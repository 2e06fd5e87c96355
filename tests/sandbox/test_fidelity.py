"""Each fidelity patch makes moto answer a field the way real AWS does (sandbox/aws/fidelity/)."""

from __future__ import annotations

import json

import pytest

from sandbox.aws import fidelity

TAGS = [{"Key": "Project", "Value": "fidelity-test"}]


def test_every_patch_is_registered_once() -> None:
    names = [p.__name__ for p in fidelity.load()]
    assert len(names) == len(set(names))
    assert {
        "dynamodb_table_id",
        "ec2_tag_resource_types",
        "eks_nodegroup_update_config",
        "rds_gp3_storage_throughput",
        "tagging_api_covers_ecr",
        "iam_oidc_client_ids",
    } <= set(names)


def test_dynamodb_returns_table_id(client) -> None:
    dynamodb = client("dynamodb")
    created = dynamodb.create_table(
        TableName="fidelity-locks",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
    )["TableDescription"]
    described = dynamodb.describe_table(TableName="fidelity-locks")["Table"]
    assert created["TableId"] == described["TableId"]  # stable for the table's life
    assert len(described["TableId"]) == 36


def test_nat_gateway_tags_found_by_aws_resource_type(client) -> None:
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(
        SubnetId=subnet,
        AllocationId=allocation,
        TagSpecifications=[{"ResourceType": "natgateway", "Tags": TAGS}],
    )["NatGateway"]["NatGatewayId"]
    ec2.create_tags(Resources=[allocation], Tags=TAGS)
    for resource_id, resource_type in ((nat, "natgateway"), (allocation, "elastic-ip")):
        tags = ec2.describe_tags(
            Filters=[
                {"Name": "resource-id", "Values": [resource_id]},
                {"Name": "resource-type", "Values": [resource_type]},
            ]
        )["Tags"]
        assert [(t["Key"], t["ResourceType"]) for t in tags] == [("Project", resource_type)]


def test_eks_nodegroup_has_default_update_config(client) -> None:
    iam, eks = client("iam"), client("eks")
    role = iam.create_role(RoleName="fidelity-eks", AssumeRolePolicyDocument=json.dumps({"Statement": []}))
    arn = role["Role"]["Arn"]
    eks.create_cluster(name="fidelity", roleArn=arn, resourcesVpcConfig={"subnetIds": []})
    eks.create_nodegroup(clusterName="fidelity", nodegroupName="nodes", nodeRole=arn, subnets=["subnet-1"])
    nodegroup = eks.describe_nodegroup(clusterName="fidelity", nodegroupName="nodes")["nodegroup"]
    assert nodegroup["updateConfig"] == {"maxUnavailable": 1}


def test_rds_gp3_reports_baseline_throughput(client) -> None:
    rds = client("rds")
    instance = rds.create_db_instance(
        DBInstanceIdentifier="fidelity-db",
        Engine="postgres",
        EngineVersion="15.8",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        StorageType="gp3",
        MasterUsername="app",
        MasterUserPassword="not-a-real-secret-1",
    )["DBInstance"]
    assert instance["StorageThroughput"] == 125


def test_tagging_api_lists_ecr_repositories(client) -> None:
    client("ecr").create_repository(repositoryName="fidelity/backend", tags=TAGS)
    found = client("resourcegroupstaggingapi").get_resources(
        TagFilters=[{"Key": "Project", "Values": ["fidelity-test"]}],
        ResourceTypeFilters=["ecr:repository"],
    )["ResourceTagMappingList"]
    assert [m["ResourceARN"] for m in found] == [
        "arn:aws:ecr:us-east-1:123456789012:repository/fidelity/backend"
    ]


def test_iam_oidc_client_ids_can_be_added_and_removed(client) -> None:
    iam = client("iam")
    arn = iam.create_open_id_connect_provider(
        Url="https://oidc.fidelity.example",
        ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=["a" * 40],
    )["OpenIDConnectProviderArn"]
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="second")
    iam.add_client_id_to_open_id_connect_provider(
        OpenIDConnectProviderArn=arn, ClientID="second"
    )  # idempotent
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"] == [
        "sts.amazonaws.com",
        "second",
    ]
    iam.remove_client_id_from_open_id_connect_provider(
        OpenIDConnectProviderArn=arn, ClientID="sts.amazonaws.com"
    )
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="absent")
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"] == ["second"]
    missing = arn.replace("fidelity", "missing")
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=missing, ClientID="x")
