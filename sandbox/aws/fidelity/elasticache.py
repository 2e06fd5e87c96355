"""Fidelity patches for ElastiCache: replication groups live, change and go away as on AWS.

moto 5.2.5 lists a replication group's member cluster ids but never creates the clusters (so
DescribeCacheClusters has no CacheNodes, endpoints or security groups for them), keeps deleted clusters
and groups `deleting` for ever, answers HTTP 500 to DeleteCacheSubnetGroup, ModifyCacheSubnetGroup and
ModifyCacheCluster, and ModifyReplicationGroup ignores security groups and never reaches the member
clusters. On AWS a new group is `creating`, then `available`; a modified one `modifying`; a deleted one
`deleting`, then gone (ReplicationGroupNotFoundFault). Here each of those passing states is shown to the
next describe, and the one after sees the settled state, so that waiters are exercised on the paths
real AWS takes without making tests wait.
"""

from __future__ import annotations

from typing import Any

from sandbox.aws.fidelity import patch

# AWS's resource types of ElastiCache in the Resource Groups Tagging API (moto names them after its
# attributes: "elasticache:cache_subnet_groups", "elasticache:replication-group", ...).
TAGGING_TYPES = {
    "cache_clusters": "elasticache:cluster",
    "cache_subnet_groups": "elasticache:subnetgroup",
    "replication_groups": "elasticache:replicationgroup",
    "snapshots": "elasticache:snapshot",
    "users": "elasticache:user",
}


def _settle(backend: Any) -> None:
    """Advance every passing state one step: shown once, then settled (or gone, when deleting)."""
    for collection in (backend.replication_groups, backend.cache_clusters):
        for key, resource in list(collection.items()):
            status_attr = "status" if hasattr(resource, "node_groups") else "cache_cluster_status"
            status = getattr(resource, status_attr)
            if status not in ("creating", "modifying", "deleting"):
                continue
            if not getattr(resource, "_sandbox_shown", False):
                resource._sandbox_shown = True
                continue
            resource._sandbox_shown = False
            if status == "deleting":
                del collection[key]
                backend.tagging_service.delete_all_tags_for_resource(resource.arn)
            else:
                setattr(resource, status_attr, "available")
                if status_attr == "cache_cluster_status":
                    resource.status = "available"
                    for node in getattr(resource, "cache_nodes", []):
                        node["CacheNodeStatus"] = "available"
                pending = getattr(resource, "pending_modified_values", None)
                if pending is not None:
                    resource.pending_modified_values = {}


def _member_cluster(backend: Any, group: Any, member: dict[str, Any], tags: list[dict[str, str]]) -> Any:
    from moto.elasticache.models import CacheCluster

    cluster = CacheCluster(
        account_id=backend.account_id,
        region_name=backend.region_name,
        cache_cluster_id=member["cache_cluster_id"],
        cache_node_type=group.cache_node_type,
        replication_group_id=group.replication_group_id,
        az_mode="single-az",
        preferred_availability_zone=member["preferred_availability_zone"],
        num_cache_nodes=1,
        engine=group.engine,
        engine_version=group.engine_version,
        cache_parameter_group_name=group.cache_parameter_group_name,
        cache_subnet_group_name=group.cache_subnet_group_name,
        transit_encryption_enabled=group.transit_encryption_enabled,
        network_type=group.network_type,
        ip_discovery=group.ip_discovery,
        snapshot_name=None,
        preferred_maintenance_window=group.preferred_maintenance_window,
        port=group.port,
        notification_topic_arn=None,
        auto_minor_version_upgrade=group.auto_minor_version_upgrade,
        snapshot_retention_limit=group.snapshot_retention_limit,
        snapshot_window=group.snapshot_window,
        auth_token="set" if group.auth_token_enabled else None,
        outpost_mode=None,
        preferred_outpost_arn=None,
        preferred_availability_zones=None,
        cache_security_group_names=None,
        security_group_ids=group.security_group_ids,
        tags=tags,
        snapshot_arns=None,
        preferred_outpost_arns=None,
        log_delivery_configurations=[],
        cache_node_ids_to_remove=None,
        cache_node_ids_to_reboot=None,
    )
    cluster.engine = group.engine
    cluster.cache_cluster_status = "creating"
    cluster.status = "creating"
    cluster.at_rest_encryption_enabled = group.at_rest_encryption_enabled
    cluster.replication_group_log_delivery_enabled = False
    cluster.security_groups = [
        {"SecurityGroupId": sg, "Status": "active"} for sg in group.security_group_ids or []
    ]
    cluster.cache_nodes = [
        {
            "CacheNodeId": "0001",
            "CacheNodeStatus": "creating",
            "CacheNodeCreateTime": cluster.cache_cluster_create_time,
            "Endpoint": {
                "Address": member["read_endpoint"]["address"],
                "Port": member["read_endpoint"]["port"],
            },
            "ParameterGroupStatus": "in-sync",
            "CustomerAvailabilityZone": member["preferred_availability_zone"],
        }
    ]
    return cluster


def _subnet_group_in_use(backend: Any, name: str) -> bool:
    return any(c.cache_subnet_group_name == name for c in backend.cache_clusters.values()) or any(
        g.cache_subnet_group_name == name for g in backend.replication_groups.values()
    )


@patch
def elasticache_replication_group_lifecycle() -> None:
    """Member clusters exist with CacheNodes; create/modify/delete pass through states; deletes end."""
    from moto.core.responses import ActionResult, EmptyResult
    from moto.elasticache.exceptions import (
        CacheClusterNotFound,
        CacheSubnetGroupNotFound,
        ElastiCacheException,
        InvalidParameterValueException,
    )
    from moto.elasticache.models import CacheSubnetGroup, ElastiCacheBackend
    from moto.elasticache.responses import ElastiCacheResponse

    class CacheSubnetGroupInUse(ElastiCacheException):
        code = "CacheSubnetGroupInUse"

    class InvalidReplicationGroupState(ElastiCacheException):
        code = "InvalidReplicationGroupState"

    create_cluster = ElastiCacheBackend.create_cache_cluster
    create_group = ElastiCacheBackend.create_replication_group
    describe_groups = ElastiCacheBackend.describe_replication_groups
    describe_clusters = ElastiCacheBackend.describe_cache_clusters
    delete_group = ElastiCacheBackend.delete_replication_group

    def create_cache_cluster(self: Any, **kwargs: Any) -> Any:
        cluster = create_cluster(self, **kwargs)
        cluster.security_groups = [
            {"SecurityGroupId": sg, "Status": "active"} for sg in cluster.security_group_ids
        ]
        address = f"{cluster.cache_cluster_id}.sandbox.use1.cache.amazonaws.com"
        cluster.cache_nodes = [
            {
                "CacheNodeId": f"{i + 1:04}",
                "CacheNodeStatus": "available",
                "CacheNodeCreateTime": cluster.cache_cluster_create_time,
                "Endpoint": {"Address": address, "Port": cluster.port},
                "ParameterGroupStatus": "in-sync",
                "CustomerAvailabilityZone": cluster.preferred_availability_zone or "us-east-1a",
            }
            for i in range(cluster.num_cache_nodes or 1)
        ]
        return cluster

    def create_replication_group(self: Any, **kwargs: Any) -> Any:
        group = create_group(self, **kwargs)
        group.status = "creating"
        group.pending_modified_values = {}
        group.auth_token = None  # never kept, never returned
        tags = kwargs.get("tags") or []
        for node_group in group.node_groups:
            for member in node_group["node_group_members"]:
                cluster = _member_cluster(self, group, member, tags)
                self.cache_clusters[cluster.cache_cluster_id] = cluster
                if tags:
                    self.tagging_service.tag_resource(cluster.arn, tags)
        return group

    def describe_replication_groups(self: Any, replication_group_id: str | None = None) -> Any:
        _settle(self)
        return describe_groups(self, replication_group_id)

    def describe_cache_clusters(self: Any, cache_cluster_id: str | None = None) -> Any:
        _settle(self)
        return describe_clusters(self, cache_cluster_id)

    def delete_replication_group(self: Any, replication_group_id: str, retain_primary_cluster: Any) -> Any:
        group = self.replication_groups.get(replication_group_id)
        if group is not None and group.status not in ("available",):
            raise InvalidReplicationGroupState(
                f"Replication group {replication_group_id} is not in a valid state to be deleted "
                f"({group.status})."
            )
        group = delete_group(self, replication_group_id, retain_primary_cluster)
        group._sandbox_shown = False
        for cluster_id in {*group.member_clusters, f"{replication_group_id}-001"}:
            cluster = self.cache_clusters.get(cluster_id)
            if cluster is not None:
                cluster.cache_cluster_status = cluster.status = "deleting"
                cluster._sandbox_shown = False
        return group

    def delete_cache_cluster(self: Any, cache_cluster_id: str) -> Any:
        cluster = self.cache_clusters.get(cache_cluster_id)
        if cluster is None or cluster.cache_cluster_status == "deleting":
            raise CacheClusterNotFound(cache_cluster_id)
        cluster.cache_cluster_status = cluster.status = "deleting"
        cluster._sandbox_shown = False
        return cluster

    def modify_replication_group(self: Any, **kwargs: Any) -> Any:
        group_id = kwargs["replication_group_id"]
        group = describe_groups(self, group_id)[0]
        changed = False
        for attr in ("cache_node_type", "security_group_ids", "snapshot_retention_limit", "description"):
            value = kwargs.get(attr)
            if value is not None and value != getattr(group, attr):
                setattr(group, attr, value)
                changed = True
        for flag, attr in (
            ("automatic_failover_enabled", "automatic_failover"),
            ("multi_az_enabled", "multi_az"),
        ):
            value = kwargs.get(flag)
            if value is not None and getattr(group, attr) != ("enabled" if value else "disabled"):
                setattr(group, attr, "enabled" if value else "disabled")
                changed = True
        if not changed:
            return group
        group.status = "modifying"
        group._sandbox_shown = False
        for cluster_id in group.member_clusters:
            cluster = self.cache_clusters.get(cluster_id)
            if cluster is None:
                continue
            cluster.cache_node_type = group.cache_node_type
            cluster.snapshot_retention_limit = group.snapshot_retention_limit
            cluster.security_group_ids = group.security_group_ids or []
            cluster.security_groups = [
                {"SecurityGroupId": sg, "Status": "active"} for sg in cluster.security_group_ids
            ]
            cluster.cache_cluster_status = cluster.status = "modifying"
            cluster._sandbox_shown = False
        return group

    def modify_cache_cluster(self: Any, cache_cluster_id: str, **kwargs: Any) -> Any:
        cluster = describe_clusters(self, cache_cluster_id)[0]
        for attr, value in kwargs.items():
            if value is not None:
                setattr(cluster, attr, value)
        if kwargs.get("security_group_ids") is not None:
            cluster.security_groups = [
                {"SecurityGroupId": sg, "Status": "active"} for sg in kwargs["security_group_ids"]
            ]
        cluster.cache_cluster_status = cluster.status = "modifying"
        cluster._sandbox_shown = False
        return cluster

    def delete_cache_subnet_group(self: Any, name: str) -> None:
        if name not in self.cache_subnet_groups:
            raise CacheSubnetGroupNotFound(name)
        if _subnet_group_in_use(self, name):
            raise CacheSubnetGroupInUse(f"Cache subnet group {name} is currently in use by a cache cluster.")
        group = self.cache_subnet_groups.pop(name)
        self.tagging_service.delete_all_tags_for_resource(group.arn)

    def modify_cache_subnet_group(
        self: Any, name: str, description: str | None, subnet_ids: list[str]
    ) -> Any:
        if name not in self.cache_subnet_groups:
            raise CacheSubnetGroupNotFound(name)
        old = self.cache_subnet_groups[name]
        if not subnet_ids and description is None:
            raise InvalidParameterValueException("Nothing to modify.")
        new = CacheSubnetGroup(
            account_id=self.account_id,
            region_name=self.region_name,
            cache_subnet_group_name=name,
            cache_subnet_group_description=old.cache_subnet_group_description
            if description is None
            else description,
            subnet_ids=subnet_ids or old.subnet_ids,
            tags=old.tags,
        )
        self.cache_subnet_groups[name] = new
        return new

    def iter_tagged_resources(self: Any) -> Any:
        from moto.core.resource_tagging import TaggedResource

        _settle(self)
        for attr, resource_type in TAGGING_TYPES.items():
            for resource in getattr(self, attr).values():
                if attr == "users" and resource.id == "default":
                    continue
                tags = self.tagging_service.get_tag_dict_for_resource(resource.arn)
                if tags:
                    yield TaggedResource(arn=resource.arn, tags=tags, resource_type=resource_type)

    ElastiCacheBackend.create_cache_cluster = create_cache_cluster
    ElastiCacheBackend.create_replication_group = create_replication_group
    ElastiCacheBackend.describe_replication_groups = describe_replication_groups
    ElastiCacheBackend.describe_cache_clusters = describe_cache_clusters
    ElastiCacheBackend.delete_replication_group = delete_replication_group
    ElastiCacheBackend.delete_cache_cluster = delete_cache_cluster
    ElastiCacheBackend.modify_replication_group = modify_replication_group
    ElastiCacheBackend.modify_cache_cluster = modify_cache_cluster
    ElastiCacheBackend.delete_cache_subnet_group = delete_cache_subnet_group
    ElastiCacheBackend.modify_cache_subnet_group = modify_cache_subnet_group
    ElastiCacheBackend.iter_tagged_resources = iter_tagged_resources

    def respond_modify_replication_group(self: Any) -> Any:
        group = self.elasticache_backend.modify_replication_group(
            replication_group_id=self._get_param("ReplicationGroupId"),
            description=self._get_param("ReplicationGroupDescription"),
            cache_node_type=self._get_param("CacheNodeType"),
            security_group_ids=self._get_param("SecurityGroupIds"),
            automatic_failover_enabled=self._get_bool_param("AutomaticFailoverEnabled"),
            multi_az_enabled=self._get_bool_param("MultiAZEnabled"),
            snapshot_retention_limit=self._get_int_param("SnapshotRetentionLimit"),
        )
        return ActionResult({"ReplicationGroup": group})

    def respond_modify_cache_cluster(self: Any) -> Any:
        cluster = self.elasticache_backend.modify_cache_cluster(
            self._get_param("CacheClusterId"),
            cache_node_type=self._get_param("CacheNodeType"),
            security_group_ids=self._get_param("SecurityGroupIds"),
            snapshot_retention_limit=self._get_int_param("SnapshotRetentionLimit"),
            preferred_maintenance_window=self._get_param("PreferredMaintenanceWindow"),
        )
        return ActionResult({"CacheCluster": cluster})

    def respond_delete_cache_subnet_group(self: Any) -> Any:
        self.elasticache_backend.delete_cache_subnet_group(self._get_param("CacheSubnetGroupName"))
        return EmptyResult()

    def respond_modify_cache_subnet_group(self: Any) -> Any:
        group = self.elasticache_backend.modify_cache_subnet_group(
            self._get_param("CacheSubnetGroupName"),
            self._get_param("CacheSubnetGroupDescription"),
            self._get_param("SubnetIds", []),
        )
        return ActionResult({"CacheSubnetGroup": group})

    ElastiCacheResponse.modify_replication_group = respond_modify_replication_group
    ElastiCacheResponse.modify_cache_cluster = respond_modify_cache_cluster
    ElastiCacheResponse.delete_cache_subnet_group = respond_delete_cache_subnet_group
    ElastiCacheResponse.modify_cache_subnet_group = respond_modify_cache_subnet_group
