"""eks_cluster and eks_cluster_info end to end, in-process against moto's EKS and IAM (moto.mock_aws)."""

import json
from unittest import mock

import boto3
import pytest
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.eksctl_config import (
    cluster_request,
    render,
)
from ansible_collections.ecommerce_demo.platform.plugins.modules import eks_cluster as cluster_module
from ansible_collections.ecommerce_demo.platform.plugins.modules import eks_cluster_info as info_module
from botocore.stub import Stubber
from moto import mock_aws

from tests.unit.plugins.modules.conftest import BOTO3_CONN

REGION = "us-east-1"
TAGS = {"Project": "ecommerce-demo", "ManagedBy": "ansible"}


@pytest.fixture
def aws():
    with mock_aws():

        def client(service):
            return boto3.client(
                service, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
            )

        yield client


@pytest.fixture
def setup(aws):
    ec2, iam = aws("ec2"), aws("iam")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        {
            "id": ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"],
            "availability_zone": zone,
        }
        for cidr, zone in (("10.0.11.0/24", "us-east-1a"), ("10.0.12.0/24", "us-east-1b"))
    ]
    trust = json.dumps({"Version": "2012-10-17", "Statement": []})
    roles = [
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"] for name in ("c", "n")
    ]

    def config(desired=2, version="1.32"):
        return render(
            name="ecommerce-demo",
            region=REGION,
            version=version,
            support_type="EXTENDED",
            vpc_id=vpc,
            private_subnets=subnets,
            public_subnets=[],
            nodegroups=[
                {
                    "name": "nodes",
                    "instance_type": "t3.medium",
                    "desired_size": desired,
                    "min_size": 2,
                    "max_size": 4,
                }
            ],
            tags=TAGS,
        )

    return config, {"cluster_role_arn": roles[0], "node_role_arn": roles[1]}


def test_plan_create_then_nothing_then_scale_then_delete(aws, setup, run_module):
    config, roles = setup
    planned = run_module(cluster_module, check_mode=True, diff=True, config=config(), **roles)
    assert planned["changed"]
    assert planned["actions"] == [
        "create cluster ecommerce-demo (1.32)",
        "create node group nodes (2 x t3.medium)",
        "create the IAM OIDC provider of cluster ecommerce-demo",
    ]
    assert planned["diff"]["before"] == {}
    assert aws("eks").list_clusters()["clusters"] == []

    created = run_module(cluster_module, config=config(), **roles)
    assert created["changed"]
    assert created["pending"] == []
    assert created["cluster"]["tags"] == TAGS
    assert [ng["nodegroup_name"] for ng in created["nodegroups"]] == ["nodes"]
    assert created["nodegroups"][0]["tags"]["k8s.io/cluster-autoscaler/ecommerce-demo"] == "owned"
    assert created["oidc_provider_arn"].startswith("arn:aws:iam::123456789012:oidc-provider/oidc.eks.")

    again = run_module(cluster_module, check_mode=True, config=config(), **roles)
    assert not again["changed"]
    assert again["actions"] == []
    assert not run_module(cluster_module, config=config(), **roles)["changed"]

    scaled = run_module(cluster_module, diff=True, config=config(desired=3), **roles)
    assert scaled["actions"] == ["scale node group nodes to 3 (min 2, max 4)"]
    assert scaled["diff"]["after"]["nodegroups"]["nodes"]["scaling"]["desiredSize"] == 3

    info = run_module(info_module, name="ecommerce-demo")
    assert info["exists"]
    assert info["oidc_provider_arn"] == created["oidc_provider_arn"]
    assert info["nodegroups"][0]["scaling_config"]["desired_size"] == 3

    planned_delete = run_module(cluster_module, check_mode=True, config=config(), state="absent")
    assert planned_delete["actions"] == [
        "delete node group nodes",
        "delete cluster ecommerce-demo",
        f"delete the IAM OIDC provider {created['oidc_provider_arn'].split('oidc-provider/')[1]}",
    ]
    deleted = run_module(cluster_module, config=config(), state="absent", wait=False)
    assert deleted["changed"]
    assert aws("eks").list_clusters()["clusters"] == []
    assert aws("iam").list_open_id_connect_providers()["OpenIDConnectProviderList"] == []
    assert not run_module(cluster_module, config=config(), state="absent")["changed"]
    assert not run_module(info_module, name="ecommerce-demo")["exists"]


def test_a_downgrade_is_refused(aws, setup, run_module):
    config, roles = setup
    run_module(cluster_module, config=config(), **roles)
    result = run_module(cluster_module, config=config(version="1.31"), **roles)
    assert result["failed"]
    assert "cannot downgrade" in result["msg"]


def test_without_wait_a_slow_create_is_started_and_left_pending(setup, run_module):
    """EKS answers CREATING for about 10 minutes: wait=false starts the cluster and reports what waits."""
    config, roles = setup
    document = config()
    eks = boto3.client(
        "eks", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    iam = boto3.client(
        "iam", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    creating = {
        "name": "ecommerce-demo",
        "arn": "arn:aws:eks:us-east-1:123456789012:cluster/ecommerce-demo",
        "version": "1.32",
        "status": "CREATING",
        "tags": TAGS,
    }
    with (
        Stubber(eks) as eks_stub,
        Stubber(iam) as iam_stub,
        mock.patch(
            BOTO3_CONN, side_effect=lambda *args, **kwargs: {"eks": eks, "iam": iam}[kwargs["resource"]]
        ),
    ):
        eks_stub.add_client_error(
            "describe_cluster", "ResourceNotFoundException", expected_params={"name": "ecommerce-demo"}
        )
        request = cluster_request(document, roles["cluster_role_arn"])
        eks_stub.add_response("create_cluster", {"cluster": creating}, expected_params=request)
        eks_stub.add_response(
            "describe_cluster", {"cluster": creating}, expected_params={"name": "ecommerce-demo"}
        )
        eks_stub.add_response(
            "list_nodegroups", {"nodegroups": []}, expected_params={"clusterName": "ecommerce-demo"}
        )
        result = run_module(cluster_module, config=document, wait=False, **roles)
        eks_stub.assert_no_pending_responses()
        iam_stub.assert_no_pending_responses()
    assert result["changed"]
    assert result["actions"] == ["create cluster ecommerce-demo (1.32)"]
    assert result["pending"] == [
        "cluster ecommerce-demo is CREATING",
        "node group nodes waits for the cluster",
    ]
    assert result["oidc_provider_arn"] == ""
