#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: elasticache_replication_group
version_added: 0.1.0
short_description: Manage an ElastiCache (Redis OSS) replication group with AUTH, TLS and its subnet group
description:
  - Creates, updates or deletes an ElastiCache replication group (cluster mode disabled) with in-transit
    encryption and an AUTH token, encryption at rest, tags at creation, and optionally its cache subnet group.
  - Idempotent; in check mode it reports what it would change, and with C(--diff) shows the settings before
    and after. The AUTH token is never returned or shown in a diff.
  - C(community.aws.elasticache) manages single clusters only, without AUTH token or TLS.
  - Node type, security groups, snapshot retention, Multi-AZ and description are changed in place
    (ModifyReplicationGroup, applied immediately by default). Encryption, port, number of clusters, engine
    version and turning AUTH on cannot be changed by this module on an existing group; it fails, naming them.
  - The AUTH token is only sent when the group is created; AWS never returns it, so a changed token is not
    detected (rotate with ModifyReplicationGroup C(AuthTokenUpdateStrategy) out of band).
author:
  - ecommerce_demo.platform maintainers (@ecommerce-demo)
options:
  replication_group_id:
    description: Identifier of the replication group (1-40 lowercase letters, digits or hyphens).
    type: str
    required: true
    aliases: [name]
  state:
    description:
      - V(present) creates or updates the group.
      - V(absent) deletes it (and the subnet group, see O(cache_subnet_group_name)).
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description of the group.
    type: str
    default: Managed by ecommerce_demo.platform
  engine_version:
    description:
      - Redis OSS engine version at creation, for example V(7.1).
      - An existing group on another version fails (no upgrades).
    type: str
    default: "7.1"
  cache_node_type:
    description: Node type, for example V(cache.t3.micro). Required with O(state=present).
    type: str
  num_cache_clusters:
    description: Number of clusters (a primary and its replicas), 1 to 6.
    type: int
    default: 1
  port:
    description: Port the nodes listen on.
    type: int
    default: 6379
  multi_az:
    description: Multi-AZ with automatic failover; needs O(num_cache_clusters) of at least 2.
    type: bool
    default: false
  snapshot_retention_limit:
    description: Days of automatic snapshots to keep; V(0) turns them off.
    type: int
    default: 0
  security_group_ids:
    description: VPC security groups of the nodes.
    type: list
    elements: str
    default: []
  cache_subnet_group_name:
    description:
      - Name of the cache subnet group the group is created in.
      - With O(subnet_ids), the module manages the subnet group too (created with O(tags), subnets kept),
        and with O(state=absent) deletes it once the replication group is gone.
    type: str
  subnet_ids:
    description:
      - Subnets of the cache subnet group O(cache_subnet_group_name).
      - Empty leaves the subnet group alone.
    type: list
    elements: str
    default: []
  cache_parameter_group_name:
    description: Cache parameter group at creation; the engine's default when omitted.
    type: str
  transit_encryption:
    description: TLS between clients and nodes. Required for an AUTH token.
    type: bool
    default: true
  at_rest_encryption:
    description: Encryption of the data on disk (snapshots, swap).
    type: bool
    default: true
  kms_key_id:
    description: KMS key for encryption at rest; the AWS managed key when omitted.
    type: str
  auth_token:
    description:
      - The Redis AUTH token (password) sent at creation.
      - 16 to 128 printable characters without C(@), C(") or C(/).
      - Required to create a group with O(transit_encryption); not needed to update or delete one.
    type: str
  apply_immediately:
    description: Apply modifications now rather than in the next maintenance window.
    type: bool
    default: true
  tags:
    description: Tags of the group (and the subnet group it manages), set at creation.
    type: dict
    default: {}
  purge_tags:
    description: Remove tags not in O(tags).
    type: bool
    default: true
  wait:
    description:
      - Wait until the group is available (or deleted).
      - V(false) starts the change and returns, so that other slow
        work can run meanwhile; a later call with V(true) does the waiting.
      - Deleting the subnet group always waits for the replication group to be gone.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait before failing with a message naming the group and its last status.
    type: int
    default: 1800
notes:
  - "IAM permissions: C(elasticache:DescribeReplicationGroups), C(elasticache:DescribeCacheClusters),
    C(elasticache:DescribeCacheSubnetGroups), C(elasticache:CreateReplicationGroup),
    C(elasticache:ModifyReplicationGroup), C(elasticache:DeleteReplicationGroup),
    C(elasticache:CreateCacheSubnetGroup), C(elasticache:ModifyCacheSubnetGroup),
    C(elasticache:DeleteCacheSubnetGroup), C(elasticache:ListTagsForResource),
    C(elasticache:AddTagsToResource), C(elasticache:RemoveTagsFromResource); C(ec2:Describe*) for the
    subnets; with a KMS key C(kms:CreateGrant)."
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: >-
      Will return details on what has changed (or possibly needs changing in diff mode) when in diff mode.
    support: full
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Redis 7 with TLS and AUTH in the private subnets, started without waiting
  ecommerce_demo.platform.elasticache_replication_group:
    replication_group_id: ecommerce-demo-redis
    cache_node_type: cache.t3.micro
    cache_subnet_group_name: ecommerce-demo-redis
    subnet_ids: "{{ network_private_subnet_ids }}"
    security_group_ids: ["{{ network_security_group_ids.cache }}"]
    auth_token: "{{ redis_auth.auth_token }}"
    tags: "{{ project_tags }}"
    wait: false
  no_log: true

- name: Wait for it
  ecommerce_demo.platform.elasticache_replication_group:
    replication_group_id: ecommerce-demo-redis
    cache_node_type: cache.t3.micro
    wait_timeout: 1200

- name: Delete the group and its subnet group
  ecommerce_demo.platform.elasticache_replication_group:
    replication_group_id: ecommerce-demo-redis
    cache_subnet_group_name: ecommerce-demo-redis
    state: absent
"""

RETURN = r"""
replication_group:
  description:
    - The group after the module ran; in check mode, as it would be. Empty when absent.
    - Endpoints and member clusters are empty for a group that does not exist yet.
  returned: always
  type: dict
  contains:
    id:
      description: Replication group id.
      returned: when the group exists or would be created
      type: str
      sample: ecommerce-demo-redis
    arn:
      description: ARN of the group.
      returned: when the group exists
      type: str
      sample: arn:aws:elasticache:us-east-1:123456789012:replicationgroup:ecommerce-demo-redis
    status:
      description: Status (C(creating), C(available), C(modifying), C(deleting)).
      returned: when the group exists or would be created
      type: str
      sample: available
    primary_endpoint:
      description: Address and port clients write to.
      returned: when the group exists or would be created
      type: dict
      sample: {"address": "master.ecommerce-demo-redis.abc123.use1.cache.amazonaws.com", "port": 6379}
    reader_endpoint:
      description: Address and port of the readers.
      returned: when the group exists or would be created
      type: dict
      sample: {"address": "replica.ecommerce-demo-redis.abc123.use1.cache.amazonaws.com", "port": 6379}
    member_clusters:
      description: Ids of the member clusters.
      returned: when the group exists or would be created
      type: list
      elements: str
      sample: ["ecommerce-demo-redis-001"]
    cache_node_type:
      description: Node type.
      returned: when the group exists or would be created
      type: str
      sample: cache.t3.micro
    engine_version:
      description: Engine version.
      returned: when the group exists or would be created
      type: str
      sample: "7.1"
    transit_encryption:
      description: Whether TLS is on.
      returned: when the group exists or would be created
      type: bool
      sample: true
    at_rest_encryption:
      description: Whether encryption at rest is on.
      returned: when the group exists or would be created
      type: bool
      sample: true
    auth_token_enabled:
      description: Whether an AUTH token is set (never the token).
      returned: when the group exists or would be created
      type: bool
      sample: true
    security_group_ids:
      description: Security groups of the nodes.
      returned: when the group exists or would be created
      type: list
      elements: str
      sample: ["sg-0123456789abcdef0"]
    cache_subnet_group_name:
      description: Cache subnet group.
      returned: when the group exists or would be created
      type: str
      sample: ecommerce-demo-redis
    tags:
      description: Tags of the group.
      returned: when the group exists or would be created
      type: dict
      sample: {"Project": "ecommerce-demo"}
cache_subnet_group:
  description: The managed cache subnet group (when O(subnet_ids) is given), as it is or would be.
  returned: always
  type: dict
  contains:
    name:
      description: Name.
      returned: when managed
      type: str
      sample: ecommerce-demo-redis
    subnet_ids:
      description: Subnets, sorted.
      returned: when managed
      type: list
      elements: str
      sample: ["subnet-0123", "subnet-4567"]
    vpc_id:
      description: VPC of the subnets.
      returned: when managed and existing
      type: str
      sample: vpc-0123456789abcdef0
"""

import time

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.elasticache import (
    ElastiCacheErrorHandler,
)
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.elasticache import comparable
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.elasticache import create_parameters
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.elasticache import desired_state
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.elasticache import differences
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.elasticache import group_state
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.elasticache import immutable_changes
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.elasticache import input_errors
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.elasticache import modify_parameters
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.elasticache import subnet_group_state
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.elasticache import wait_outcome
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.waits import poll_delays


class ModuleFailure(Exception):
    pass


# --- reads ------------------------------------------------------------------------------------------


@ElastiCacheErrorHandler.list_error_handler("describe replication group")
def describe_group(client, group_id):
    return client.describe_replication_groups(ReplicationGroupId=group_id, aws_retry=True)[
        "ReplicationGroups"
    ]


@ElastiCacheErrorHandler.list_error_handler("describe cache cluster")
def describe_cluster(client, cluster_id):
    return client.describe_cache_clusters(CacheClusterId=cluster_id, aws_retry=True)["CacheClusters"]


@ElastiCacheErrorHandler.list_error_handler("describe cache subnet group")
def describe_subnet_group(client, name):
    return client.describe_cache_subnet_groups(CacheSubnetGroupName=name, aws_retry=True)["CacheSubnetGroups"]


@ElastiCacheErrorHandler.list_error_handler("list tags of")
def list_tags(client, arn):
    return boto3_tag_list_to_ansible_dict(
        client.list_tags_for_resource(ResourceName=arn, aws_retry=True)["TagList"]
    )


def read_group(client, group_id, with_tags=True):
    """The group's state (see group_state) plus its tags, or None when there is no such group."""
    groups = describe_group(client, group_id)
    if not groups:
        return None
    group = groups[0]
    members = group.get("MemberClusters") or []
    cluster = (describe_cluster(client, members[0]) or [None])[0] if members else None
    state = group_state(group, cluster)
    if with_tags and state["arn"] and group["Status"] != "deleting":
        state["tags"] = list_tags(client, state["arn"]) or {}
    return state


def read_subnet_group(client, name):
    groups = describe_subnet_group(client, name)
    if not groups:
        return None
    state = subnet_group_state(groups[0])
    state["tags"] = list_tags(client, state["arn"]) or {} if state["arn"] else {}
    return state


# --- writes -----------------------------------------------------------------------------------------


@ElastiCacheErrorHandler.common_error_handler("create replication group")
def create_group(client, parameters):
    return client.create_replication_group(aws_retry=True, **parameters)["ReplicationGroup"]


@ElastiCacheErrorHandler.common_error_handler("modify replication group")
def modify_group(client, parameters):
    client.modify_replication_group(aws_retry=True, **parameters)


@ElastiCacheErrorHandler.deletion_error_handler("delete replication group")
def delete_group(client, group_id):
    client.delete_replication_group(ReplicationGroupId=group_id, aws_retry=True)


@ElastiCacheErrorHandler.common_error_handler("create cache subnet group")
def create_subnet_group(client, name, description, subnet_ids, tags):
    client.create_cache_subnet_group(
        CacheSubnetGroupName=name,
        CacheSubnetGroupDescription=description,
        SubnetIds=subnet_ids,
        Tags=ansible_dict_to_boto3_tag_list(tags),
        aws_retry=True,
    )


@ElastiCacheErrorHandler.common_error_handler("modify cache subnet group")
def modify_subnet_group(client, name, subnet_ids):
    client.modify_cache_subnet_group(CacheSubnetGroupName=name, SubnetIds=subnet_ids, aws_retry=True)


@ElastiCacheErrorHandler.deletion_error_handler("delete cache subnet group")
def delete_subnet_group(client, name):
    client.delete_cache_subnet_group(CacheSubnetGroupName=name, aws_retry=True)


@ElastiCacheErrorHandler.common_error_handler("tag")
def tag_resource(client, arn, tags):
    client.add_tags_to_resource(ResourceName=arn, Tags=ansible_dict_to_boto3_tag_list(tags), aws_retry=True)


@ElastiCacheErrorHandler.common_error_handler("untag")
def untag_resource(client, arn, keys):
    client.remove_tags_from_resource(ResourceName=arn, TagKeys=keys, aws_retry=True)


def update_tags(client, check_mode, arn, current, desired, purge):
    to_set, to_remove = compare_aws_tags(current or {}, desired or {}, purge_tags=purge)
    if not (to_set or to_remove):
        return False
    if not check_mode:
        if to_remove:
            untag_resource(client, arn, to_remove)
        if to_set:
            tag_resource(client, arn, to_set)
    return True


def wait_for(client, group_id, wanted, timeout, sleep=time.sleep):
    """Wait until the group is ``wanted`` (available / deleted); fail with its last status at the timeout."""
    status = None
    for delay in [0, *poll_delays(timeout)]:
        sleep(delay)
        groups = describe_group(client, group_id)
        status = groups[0]["Status"] if groups else None
        outcome = wait_outcome(status, wanted)
        if outcome == "done":
            return
        if outcome == "failed":
            raise ModuleFailure(
                f"Replication group {group_id} cannot become {wanted}: its status is {status}"
            )
    raise ModuleFailure(
        f"Timed out after {timeout} s waiting for replication group {group_id} to be {wanted} "
        f"(last status: {status}); raise wait_timeout or look at the group in the ElastiCache console"
    )


# --- the two states ---------------------------------------------------------------------------------


def ensure_subnet_group(client, module):
    params = module.params
    name, subnet_ids = params["cache_subnet_group_name"], sorted(params["subnet_ids"])
    current = read_subnet_group(client, name)
    desired = {"name": name, "subnet_ids": subnet_ids, "tags": params["tags"]}
    if current is None:
        if not module.check_mode:
            create_subnet_group(
                client, name, f"{params['replication_group_id']} (Redis)", subnet_ids, params["tags"]
            )
        return True, None, desired
    changed = False
    if current["subnet_ids"] != subnet_ids:
        changed = True
        if not module.check_mode:
            modify_subnet_group(client, name, subnet_ids)
    changed |= update_tags(
        client, module.check_mode, current["arn"], current["tags"], params["tags"], params["purge_tags"]
    )
    after = {
        **current,
        "subnet_ids": subnet_ids,
        "tags": params["tags"] if params["purge_tags"] else {**current["tags"], **params["tags"]},
    }
    return changed, current, after


def present(client, module):
    params = module.params
    group_id = params["replication_group_id"]
    changed, subnet_before, subnet_after = False, None, {}
    if params["subnet_ids"]:
        changed, subnet_before, subnet_after = ensure_subnet_group(client, module)

    desired = desired_state(params)
    current = read_group(client, group_id)
    if current is None:
        if params["transit_encryption"] and params["auth_token"] is None and not module.check_mode:
            raise ModuleFailure(
                f"auth_token is required to create replication group {group_id} with transit_encryption"
            )
        after = {
            **desired,
            "id": group_id,
            "status": "creating",
            "tags": params["tags"],
            "member_clusters": [],
            "primary_endpoint": {},
            "reader_endpoint": {},
            "cache_subnet_group_name": params["cache_subnet_group_name"],
            "auth_token_enabled": params["auth_token"] is not None or params["transit_encryption"],
        }
        if not module.check_mode:
            create_group(client, create_parameters(params, params["tags"]))
            if params["wait"]:
                wait_for(client, group_id, "available", params["wait_timeout"])
            after = read_group(client, group_id)
        return True, None, after, subnet_before, subnet_after

    if current["status"] == "deleting":
        raise ModuleFailure(f"Replication group {group_id} is being deleted; run again once it is gone")
    changes = differences(desired, current)
    fixed = immutable_changes(changes)
    if fixed:
        described = ", ".join(
            f"{name} {before!r} -> {after!r}" for name, (before, after) in sorted(fixed.items())
        )
        raise ModuleFailure(
            f"Replication group {group_id} cannot be changed in place: {described}. "
            "Delete it (state=absent) and create it again, or keep the current settings."
        )
    modification = modify_parameters(group_id, changes, params["apply_immediately"])
    if modification:
        changed = True
        if not module.check_mode:
            if current["status"] != "available":
                # AWS refuses a modification while the group is creating or modifying.
                wait_for(client, group_id, "available", params["wait_timeout"])
            modify_group(client, modification)
    changed |= update_tags(
        client, module.check_mode, current["arn"], current["tags"], params["tags"], params["purge_tags"]
    )

    if module.check_mode or not changed:
        after = {**current, **{name: values[1] for name, values in changes.items()}}
        if changed:
            after["tags"] = params["tags"] if params["purge_tags"] else {**current["tags"], **params["tags"]}
    else:
        after = read_group(client, group_id)
    if params["wait"] and not module.check_mode and after["status"] != "available":
        wait_for(client, group_id, "available", params["wait_timeout"])
        after = read_group(client, group_id)
    return changed, current, after, subnet_before, subnet_after


def absent(client, module):
    params = module.params
    group_id, subnet_name = params["replication_group_id"], params["cache_subnet_group_name"]
    changed = False
    current = read_group(client, group_id, with_tags=False)
    if current is not None and current["status"] != "deleting":
        changed = True
        if not module.check_mode:
            if current["status"] != "available":
                wait_for(client, group_id, "available", params["wait_timeout"])
            delete_group(client, group_id)
    deleting = current is not None and not module.check_mode
    if deleting and (params["wait"] or subnet_name):
        wait_for(client, group_id, "deleted", params["wait_timeout"])
    subnet_before = None
    if subnet_name:
        subnet_before = read_subnet_group(client, subnet_name)
        if subnet_before is not None:
            changed = True
            if not module.check_mode:
                delete_subnet_group(client, subnet_name)
    return changed, current, None, subnet_before, {}


def run(module, client):
    handler = present if module.params["state"] == "present" else absent
    changed, before, after, subnet_before, subnet_after = handler(client, module)
    result = {
        "changed": changed,
        "replication_group": dict(after or {}),
        "cache_subnet_group": {k: v for k, v in (subnet_after or {}).items() if k != "arn" or v},
    }
    if module._diff:
        result["diff"] = {
            "before": {
                "replication_group": comparable(before),
                "cache_subnet_group": _subnet_diff(subnet_before),
            },
            "after": {
                "replication_group": comparable(after),
                "cache_subnet_group": _subnet_diff(subnet_after),
            },
        }
    return result


def _subnet_diff(state):
    return {key: state.get(key) for key in ("name", "subnet_ids", "tags")} if state else {}


def main():
    argument_spec = dict(
        replication_group_id=dict(type="str", required=True, aliases=["name"]),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        description=dict(type="str", default="Managed by ecommerce_demo.platform"),
        engine_version=dict(type="str", default="7.1"),
        cache_node_type=dict(type="str"),
        num_cache_clusters=dict(type="int", default=1),
        port=dict(type="int", default=6379),
        multi_az=dict(type="bool", default=False),
        snapshot_retention_limit=dict(type="int", default=0),
        security_group_ids=dict(type="list", elements="str", default=[]),
        cache_subnet_group_name=dict(type="str"),
        subnet_ids=dict(type="list", elements="str", default=[]),
        cache_parameter_group_name=dict(type="str"),
        transit_encryption=dict(type="bool", default=True),
        at_rest_encryption=dict(type="bool", default=True),
        kms_key_id=dict(type="str"),
        auth_token=dict(type="str", no_log=True),
        apply_immediately=dict(type="bool", default=True),
        tags=dict(type="dict", default={}),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=1800),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["cache_node_type"])],
    )
    errors = input_errors(module.params) if module.params["state"] == "present" else []
    if errors:
        module.fail_json(msg="Invalid parameters: " + "; ".join(errors))

    client = module.client("elasticache", retry_decorator=AWSRetry.jittered_backoff())
    try:
        result = run(module, client)
    except ModuleFailure as e:
        module.fail_json(msg=str(e))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="ElastiCache call failed")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
