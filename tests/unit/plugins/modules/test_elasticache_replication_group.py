"""elasticache_replication_group end to end, in-process, against moto with the sandbox's ElastiCache patches.

moto alone never creates member clusters and never finishes a deletion (see sandbox/aws/fidelity/
elasticache.py); with the patches it takes the paths AWS takes, so create, no-op, check mode, modify and
delete run here as they do against the sandbox server. Sleeps between polls are patched out.
"""

from unittest import mock

import boto3
import pytest
from ansible_collections.ecommerce_demo.platform.plugins.modules import (
    elasticache_replication_group as module,
)
from moto import mock_aws

from sandbox.aws.fidelity import elasticache as elasticache_fidelity

REGION = "us-east-1"
TOKEN = "unit-test-auth-token-0123456789"


@pytest.fixture(scope="module", autouse=True)
def patched_moto():
    elasticache_fidelity.elasticache_replication_group_lifecycle()


@pytest.fixture
def aws():
    with mock_aws(), mock.patch.object(module.time, "sleep"):
        ec2 = boto3.client("ec2", region_name=REGION)
        vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.5.{i}.0/24", AvailabilityZone=az)["Subnet"][
                "SubnetId"
            ]
            for i, az in enumerate(("us-east-1a", "us-east-1b"))
        ]
        yield boto3.client("elasticache", region_name=REGION), subnets


def args(subnets, **overrides):
    return {
        "replication_group_id": "unit-redis",
        "cache_node_type": "cache.t3.micro",
        "cache_subnet_group_name": "unit-redis",
        "subnet_ids": subnets,
        "security_group_ids": ["sg-0123456789abcdef0"],
        "auth_token": TOKEN,
        "tags": {"Project": "unit"},
        **overrides,
    }


def test_check_mode_then_create_then_no_change(aws, run_module):
    client, subnets = aws
    planned = run_module(module, check_mode=True, diff=True, **args(subnets))
    assert planned["changed"] is True
    assert planned["diff"]["after"]["replication_group"]["cache_node_type"] == "cache.t3.micro"
    assert client.describe_replication_groups()["ReplicationGroups"] == []

    created = run_module(module, diff=True, **args(subnets))
    assert created["changed"] is True
    group = created["replication_group"]
    assert group["status"] == "available"
    assert group["auth_token_enabled"]
    assert group["transit_encryption"]
    assert group["at_rest_encryption"]
    assert group["primary_endpoint"]["address"].startswith("master.unit-redis.")
    assert group["tags"] == {"Project": "unit"}
    assert created["cache_subnet_group"]["subnet_ids"] == sorted(subnets)
    assert TOKEN not in repr(planned)
    assert TOKEN not in repr(created)

    again = run_module(module, check_mode=True, diff=True, **args(subnets))
    assert again["changed"] is False
    assert again["diff"]["before"] == again["diff"]["after"]
    assert run_module(module, **args(subnets))["changed"] is False


def test_node_type_change_is_planned_then_applied(aws, run_module):
    client, subnets = aws
    run_module(module, **args(subnets))
    planned = run_module(
        module, check_mode=True, diff=True, **args(subnets, cache_node_type="cache.t3.small")
    )
    assert planned["changed"] is True
    assert planned["diff"]["before"]["replication_group"]["cache_node_type"] == "cache.t3.micro"
    assert planned["diff"]["after"]["replication_group"]["cache_node_type"] == "cache.t3.small"
    applied = run_module(module, **args(subnets, cache_node_type="cache.t3.small"))
    assert applied["changed"] is True
    assert applied["replication_group"]["cache_node_type"] == "cache.t3.small"
    group = client.describe_replication_groups(ReplicationGroupId="unit-redis")["ReplicationGroups"][0]
    assert group["CacheNodeType"] == "cache.t3.small"


def test_settings_aws_cannot_change_fail_naming_them(aws, run_module):
    _, subnets = aws
    run_module(module, **args(subnets))
    result = run_module(module, **args(subnets, at_rest_encryption=False))
    assert result["failed"] is True
    assert "at_rest_encryption" in result["msg"]


def test_invalid_input_fails_before_any_aws_call(aws, run_module):
    _, subnets = aws
    with mock.patch.object(module.AnsibleAWSModule, "client") as client:
        result = run_module(module, **args(subnets, cache_node_type="cache.banana", auth_token="ten-chars!"))
    client.assert_not_called()
    assert result["failed"] is True
    assert "cache_node_type" in result["msg"]
    assert "auth_token" in result["msg"]
    assert "ten-chars!" not in result["msg"]


def test_delete_removes_group_and_subnet_group_and_is_idempotent(aws, run_module):
    client, subnets = aws
    run_module(module, **args(subnets))
    absent = {
        "replication_group_id": "unit-redis",
        "cache_subnet_group_name": "unit-redis",
        "state": "absent",
    }
    assert run_module(module, check_mode=True, **absent)["changed"] is True
    assert run_module(module, **absent)["changed"] is True
    assert client.describe_replication_groups()["ReplicationGroups"] == []
    assert client.describe_cache_subnet_groups()["CacheSubnetGroups"] == []
    assert run_module(module, **absent)["changed"] is False


def test_wait_timeout_fails_with_the_last_status(aws, run_module):
    _, subnets = aws
    with mock.patch.object(module, "wait_outcome", return_value="wait"):
        result = run_module(module, **args(subnets, wait_timeout=10))
    assert result["failed"] is True
    assert "Timed out after 10 s" in result["msg"]
    assert "unit-redis" in result["msg"]
