# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure logic of the elasticache_replication_group module: input rules, the state as this collection
names it (read from DescribeReplicationGroups, DescribeCacheClusters and DescribeCacheSubnetGroups),
the comparison with what is wanted and the API parameters that close the gap. No AWS calls; unit-tested.

The AUTH token never appears in any state, diff or result built here: AWS cannot return it, and the
module must not either.
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

# Node families ElastiCache offers for Redis OSS (current and previous generation) and their sizes.
_NODE_TYPE = re.compile(
    r"^cache\.("
    r"t2\.(micro|small|medium)"
    r"|t3\.(micro|small|medium)"
    r"|t4g\.(micro|small|medium)"
    r"|(m3|r3)\.(medium|large|[248]?xlarge)"
    r"|(m4|m5|m6g|m7g|r4|r5|r6g|r6gd|r7g|c7gn)\.(large|[1-9][0-9]?xlarge)"
    r")$"
)
# An AUTH token: 16 to 128 printable ASCII characters, none of them @, " or / (AWS's rule).
_AUTH_TOKEN = re.compile(r"^[\x20-\x7e]{16,128}$")
_AUTH_TOKEN_FORBIDDEN = set('@"/')

# Settings AWS cannot change on an existing group; a difference is an error, not a silent no-op.
IMMUTABLE_SETTINGS = ("at_rest_encryption", "transit_encryption", "port", "num_cache_clusters")
# Settings ModifyReplicationGroup changes in place.
MODIFIABLE_SETTINGS = (
    "description",
    "cache_node_type",
    "security_group_ids",
    "snapshot_retention_limit",
    "multi_az",
)
TRANSITIONAL_STATES = ("creating", "modifying", "snapshotting")


class ElastiCacheErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleAWSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(
            ["ReplicationGroupNotFoundFault", "CacheClusterNotFound", "CacheSubnetGroupNotFoundFault"]
        )


def node_type_error(node_type):
    """None when ``node_type`` is an ElastiCache node type, else the reason it is not."""
    if node_type is None or _NODE_TYPE.fullmatch(node_type):
        return None
    return f"'{node_type}' is not an ElastiCache node type (for example cache.t3.micro, cache.r7g.large)"


def auth_token_error(token):
    """None when ``token`` is acceptable to ElastiCache as an AUTH token, else why not (never the token)."""
    if token is None:
        return None
    if not _AUTH_TOKEN.fullmatch(token):
        return f"the AUTH token must be 16 to 128 printable ASCII characters (it has {len(token)})"
    if _AUTH_TOKEN_FORBIDDEN & set(token):
        return 'the AUTH token must not contain @, " or /'
    return None


def input_errors(params):
    """Every problem of the module's parameters that can be known without AWS, as a list of messages."""
    errors = []
    for option, error in (
        ("cache_node_type", node_type_error(params.get("cache_node_type"))),
        ("auth_token", auth_token_error(params.get("auth_token"))),
    ):
        if error:
            errors.append(f"{option}: {error}")
    if params.get("auth_token") is not None and not params.get("transit_encryption"):
        errors.append("auth_token: an AUTH token needs transit_encryption=true")
    if (params.get("num_cache_clusters") or 1) < 1 or (params.get("num_cache_clusters") or 1) > 6:
        errors.append("num_cache_clusters: must be between 1 and 6")
    if params.get("subnet_ids") and not params.get("cache_subnet_group_name"):
        errors.append("subnet_ids: needs cache_subnet_group_name, the subnet group to put them in")
    if params.get("multi_az") and (params.get("num_cache_clusters") or 1) < 2:
        errors.append("multi_az: needs num_cache_clusters of at least 2 (a replica to fail over to)")
    return errors


def desired_state(params):
    """The state the parameters ask for, in the shape of group_state()."""
    return {
        "description": params["description"],
        "engine_version": params["engine_version"],
        "cache_node_type": params["cache_node_type"],
        "num_cache_clusters": params["num_cache_clusters"],
        "port": params["port"],
        "security_group_ids": sorted(params["security_group_ids"] or []),
        "snapshot_retention_limit": params["snapshot_retention_limit"],
        "multi_az": params["multi_az"],
        "transit_encryption": params["transit_encryption"],
        "at_rest_encryption": params["at_rest_encryption"],
        "auth_token_enabled": params["auth_token"] is not None or None,
    }


def group_state(group, member_cluster):
    """The group's settings from DescribeReplicationGroups and the DescribeCacheClusters of one member."""
    member_cluster = member_cluster or {}
    node_group = (group.get("NodeGroups") or [{}])[0]
    primary = node_group.get("PrimaryEndpoint") or {}
    reader = node_group.get("ReaderEndpoint") or {}
    return {
        "description": group.get("Description", ""),
        "engine_version": member_cluster.get("EngineVersion"),
        "cache_node_type": group.get("CacheNodeType"),
        "num_cache_clusters": len(group.get("MemberClusters") or []),
        "port": primary.get("Port"),
        "security_group_ids": sorted(
            sg["SecurityGroupId"] for sg in member_cluster.get("SecurityGroups") or []
        ),
        "snapshot_retention_limit": group.get("SnapshotRetentionLimit", 0),
        "multi_az": group.get("MultiAZ") == "enabled",
        "transit_encryption": bool(group.get("TransitEncryptionEnabled")),
        "at_rest_encryption": bool(group.get("AtRestEncryptionEnabled")),
        "auth_token_enabled": bool(group.get("AuthTokenEnabled")),
        # Not compared: what the group is, not how it is configured.
        "id": group["ReplicationGroupId"],
        "arn": group.get("ARN"),
        "status": group.get("Status"),
        "member_clusters": group.get("MemberClusters") or [],
        "cache_subnet_group_name": member_cluster.get("CacheSubnetGroupName"),
        "primary_endpoint": {"address": primary.get("Address"), "port": primary.get("Port")},
        "reader_endpoint": {"address": reader.get("Address"), "port": reader.get("Port")},
    }


def engine_version_matches(desired, current):
    """A desired "7.1" or "7" is met by a current "7.1.0"; None is met by anything."""
    if desired is None or current is None:
        return True
    return current == desired or current.startswith(desired + ".")


def differences(desired, current):
    """{setting: (current, desired)} for every compared setting that differs."""
    changes = {}
    for name in MODIFIABLE_SETTINGS + IMMUTABLE_SETTINGS:
        if desired.get(name) is not None and desired[name] != current.get(name):
            changes[name] = (current.get(name), desired[name])
    if desired.get("auth_token_enabled") and not current.get("auth_token_enabled"):
        changes["auth_token_enabled"] = (False, True)
    if not engine_version_matches(desired.get("engine_version"), current.get("engine_version")):
        changes["engine_version"] = (current.get("engine_version"), desired["engine_version"])
    return changes


def immutable_changes(changes):
    """The changes AWS cannot make on an existing group (engine version upgrades included, which this
    module does not do)."""
    return {
        name: values
        for name, values in changes.items()
        if name in IMMUTABLE_SETTINGS or name in ("auth_token_enabled", "engine_version")
    }


def modify_parameters(group_id, changes, apply_immediately=True):
    """ModifyReplicationGroup parameters that make the modifiable ``changes``; None when there are none."""
    names = {
        "description": "ReplicationGroupDescription",
        "cache_node_type": "CacheNodeType",
        "security_group_ids": "SecurityGroupIds",
        "snapshot_retention_limit": "SnapshotRetentionLimit",
        "multi_az": "MultiAZEnabled",
    }
    params = {names[name]: values[1] for name, values in changes.items() if name in names}
    if not params:
        return None
    if "MultiAZEnabled" in params:
        params["AutomaticFailoverEnabled"] = params["MultiAZEnabled"]
    return {"ReplicationGroupId": group_id, "ApplyImmediately": apply_immediately, **params}


def create_parameters(params, tags):
    """CreateReplicationGroup parameters (the AUTH token included: for the call only, never returned)."""
    create = {
        "ReplicationGroupId": params["replication_group_id"],
        "ReplicationGroupDescription": params["description"],
        "Engine": "redis",
        "EngineVersion": params["engine_version"],
        "CacheNodeType": params["cache_node_type"],
        "NumCacheClusters": params["num_cache_clusters"],
        "Port": params["port"],
        "SnapshotRetentionLimit": params["snapshot_retention_limit"],
        "MultiAZEnabled": params["multi_az"],
        "AutomaticFailoverEnabled": params["multi_az"],
        "TransitEncryptionEnabled": params["transit_encryption"],
        "AtRestEncryptionEnabled": params["at_rest_encryption"],
        "Tags": [{"Key": k, "Value": v} for k, v in sorted((tags or {}).items())],
    }
    optional = {
        "CacheSubnetGroupName": params.get("cache_subnet_group_name"),
        "SecurityGroupIds": params.get("security_group_ids") or None,
        "AuthToken": params.get("auth_token"),
        "KmsKeyId": params.get("kms_key_id"),
        "CacheParameterGroupName": params.get("cache_parameter_group_name"),
    }
    create.update({key: value for key, value in optional.items() if value is not None})
    return create


def subnet_group_state(subnet_group):
    """The subnet group's settings from DescribeCacheSubnetGroups."""
    return {
        "name": subnet_group["CacheSubnetGroupName"],
        "arn": subnet_group.get("ARN"),
        "description": subnet_group.get("CacheSubnetGroupDescription", ""),
        "subnet_ids": sorted(s["SubnetIdentifier"] for s in subnet_group.get("Subnets") or []),
        "vpc_id": subnet_group.get("VpcId"),
    }


def comparable(state):
    """What a diff shows of a group: its settings (no ids, endpoints or status, and never the token)."""
    if state is None:
        return {}
    keys = MODIFIABLE_SETTINGS + IMMUTABLE_SETTINGS + ("engine_version", "auth_token_enabled")
    return {key: state.get(key) for key in sorted(keys)}


def wait_outcome(status, wanted):
    """Whether a wait for ``wanted`` (available or deleted) is over: "done", "wait" or "failed"."""
    if wanted == "deleted":
        return "done" if status is None else "wait"
    if status == "available":
        return "done"
    if status in TRANSITIONAL_STATES:
        return "wait"
    if status is None:
        return "failed"
    return "failed" if status in ("create-failed", "deleting") else "wait"
