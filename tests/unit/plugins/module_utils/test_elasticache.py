"""Pure logic of elasticache_replication_group: input rules, state, comparison, API parameters."""

import pytest
from ansible_collections.ecommerce_demo.platform.plugins.module_utils import elasticache as ec

PARAMS = {
    "replication_group_id": "shop-redis",
    "description": "cache",
    "engine_version": "7.1",
    "cache_node_type": "cache.t3.micro",
    "num_cache_clusters": 1,
    "port": 6379,
    "multi_az": False,
    "snapshot_retention_limit": 0,
    "security_group_ids": ["sg-b", "sg-a"],
    "cache_subnet_group_name": "shop-redis",
    "subnet_ids": ["subnet-1", "subnet-2"],
    "cache_parameter_group_name": None,
    "transit_encryption": True,
    "at_rest_encryption": True,
    "kms_key_id": None,
    "auth_token": "a-token-of-twenty-chars",
}

GROUP = {
    "ReplicationGroupId": "shop-redis",
    "Description": "cache",
    "Status": "available",
    "MemberClusters": ["shop-redis-001"],
    "NodeGroups": [
        {
            "PrimaryEndpoint": {"Address": "master.shop-redis.abc.use1.cache.amazonaws.com", "Port": 6379},
            "ReaderEndpoint": {"Address": "replica.shop-redis.abc.use1.cache.amazonaws.com", "Port": 6379},
        }
    ],
    "CacheNodeType": "cache.t3.micro",
    "SnapshotRetentionLimit": 0,
    "MultiAZ": "disabled",
    "TransitEncryptionEnabled": True,
    "AtRestEncryptionEnabled": True,
    "AuthTokenEnabled": True,
    "ARN": "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:shop-redis",
}
CLUSTER = {
    "EngineVersion": "7.1.0",
    "CacheSubnetGroupName": "shop-redis",
    "SecurityGroups": [{"SecurityGroupId": "sg-a"}, {"SecurityGroupId": "sg-b"}],
}


@pytest.mark.parametrize(
    "node_type", ["cache.t3.micro", "cache.t4g.small", "cache.r7g.large", "cache.m5.12xlarge"]
)
def test_real_node_types_pass(node_type):
    assert ec.node_type_error(node_type) is None


@pytest.mark.parametrize(
    "node_type", ["cache.banana", "t3.micro", "cache.t3.huge", "db.t3.micro", "cache.t3.micro "]
)
def test_other_node_types_fail_with_the_value(node_type):
    assert node_type in ec.node_type_error(node_type)


def test_auth_token_rules_never_echo_the_token():
    assert ec.auth_token_error("x" * 16) is None
    assert ec.auth_token_error("x" * 128) is None
    short = ec.auth_token_error("ten-chars!")
    assert "16 to 128" in short
    assert "ten-chars!" not in short
    assert "16 to 128" in ec.auth_token_error("x" * 129)
    for forbidden in '@"/':
        message = ec.auth_token_error("x" * 20 + forbidden)
        assert "must not contain" in message
        assert "x" * 20 not in message
    assert ec.auth_token_error("x" * 20 + "\n") is not None


def test_input_errors_name_the_option():
    errors = ec.input_errors({**PARAMS, "cache_node_type": "cache.banana", "auth_token": "short"})
    assert [e.split(":")[0] for e in errors] == ["cache_node_type", "auth_token"]
    assert ec.input_errors({**PARAMS, "transit_encryption": False})[0].startswith("auth_token")
    assert ec.input_errors({**PARAMS, "multi_az": True})[0].startswith("multi_az")
    assert ec.input_errors({**PARAMS, "num_cache_clusters": 7})[0].startswith("num_cache_clusters")
    assert ec.input_errors({**PARAMS, "cache_subnet_group_name": None})[0].startswith("subnet_ids")
    assert ec.input_errors(PARAMS) == []


def test_converged_group_has_no_differences():
    current = ec.group_state(GROUP, CLUSTER)
    assert current["security_group_ids"] == ["sg-a", "sg-b"]
    assert current["primary_endpoint"] == {
        "address": "master.shop-redis.abc.use1.cache.amazonaws.com",
        "port": 6379,
    }
    assert ec.differences(ec.desired_state(PARAMS), current) == {}


def test_node_type_change_is_a_modification_applied_immediately():
    current = ec.group_state(GROUP, CLUSTER)
    changes = ec.differences(ec.desired_state({**PARAMS, "cache_node_type": "cache.t3.small"}), current)
    assert changes == {"cache_node_type": ("cache.t3.micro", "cache.t3.small")}
    assert ec.immutable_changes(changes) == {}
    assert ec.modify_parameters("shop-redis", changes) == {
        "ReplicationGroupId": "shop-redis",
        "ApplyImmediately": True,
        "CacheNodeType": "cache.t3.small",
    }


def test_multi_az_brings_automatic_failover():
    changes = {"multi_az": (False, True)}
    assert ec.modify_parameters("g", changes, apply_immediately=False) == {
        "ReplicationGroupId": "g",
        "ApplyImmediately": False,
        "MultiAZEnabled": True,
        "AutomaticFailoverEnabled": True,
    }
    assert ec.modify_parameters("g", {}) is None


def test_settings_aws_cannot_change_are_reported_as_such():
    current = ec.group_state({**GROUP, "AtRestEncryptionEnabled": False, "AuthTokenEnabled": False}, CLUSTER)
    changes = ec.differences(ec.desired_state({**PARAMS, "engine_version": "7.0"}), current)
    assert set(ec.immutable_changes(changes)) == {
        "at_rest_encryption",
        "auth_token_enabled",
        "engine_version",
    }


def test_engine_version_prefix_matches():
    assert ec.engine_version_matches("7.1", "7.1.0")
    assert ec.engine_version_matches("7", "7.1.0")
    assert not ec.engine_version_matches("7.1", "7.10.0")
    assert ec.engine_version_matches(None, "6.2.6")


def test_create_parameters_carry_tags_and_encryption_and_nothing_unset():
    create = ec.create_parameters({**PARAMS, "kms_key_id": None}, {"Project": "shop", "Env": "demo"})
    assert create["Tags"] == [{"Key": "Env", "Value": "demo"}, {"Key": "Project", "Value": "shop"}]
    assert create["TransitEncryptionEnabled"]
    assert create["AtRestEncryptionEnabled"]
    assert create["AuthToken"] == PARAMS["auth_token"]
    assert "KmsKeyId" not in create
    assert "CacheParameterGroupName" not in create
    assert create["CacheSubnetGroupName"] == "shop-redis"


def test_comparable_state_never_holds_the_token():
    shown = ec.comparable({**ec.desired_state(PARAMS), "auth_token": PARAMS["auth_token"]})
    assert PARAMS["auth_token"] not in repr(shown)
    assert shown["auth_token_enabled"] is True
    assert ec.comparable(None) == {}


def test_subnet_group_state():
    state = ec.subnet_group_state(
        {
            "CacheSubnetGroupName": "g",
            "ARN": "arn",
            "VpcId": "vpc-1",
            "Subnets": [{"SubnetIdentifier": "subnet-2"}, {"SubnetIdentifier": "subnet-1"}],
        }
    )
    assert state["subnet_ids"] == ["subnet-1", "subnet-2"]
    assert state["vpc_id"] == "vpc-1"


@pytest.mark.parametrize(
    ("status", "wanted", "outcome"),
    [
        ("available", "available", "done"),
        ("creating", "available", "wait"),
        ("modifying", "available", "wait"),
        ("create-failed", "available", "failed"),
        (None, "available", "failed"),
        ("deleting", "deleted", "wait"),
        (None, "deleted", "done"),
    ],
)
def test_wait_outcome(status, wanted, outcome):
    assert ec.wait_outcome(status, wanted) == outcome
