"""Fidelity patches for EKS."""

from __future__ import annotations

import functools
from typing import Any

from sandbox.aws.fidelity import patch


@patch
def eks_nodegroup_update_config() -> None:
    """EKS returns updateConfig {maxUnavailable: 1} for a node group created without one."""
    from moto.eks.models import Nodegroup

    original = Nodegroup.__init__

    @functools.wraps(original)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if not self.update_config:
            self.update_config = {"maxUnavailable": 1}

    Nodegroup.__init__ = __init__


def _update(update_type: str, params: list[dict[str, str]]) -> dict[str, Any]:
    from moto.core.utils import utcnow
    from moto.moto_api._internal import mock_random

    return {
        "id": str(mock_random.uuid4()),
        "status": "Successful",
        "type": update_type,
        "params": params,
        "createdAt": utcnow(),
        "errors": [],
    }


@patch
def eks_upgrade_policy() -> None:
    """CreateCluster keeps upgradePolicy and DescribeCluster returns it (default EXTENDED), as EKS does."""
    from moto.eks.models import Cluster
    from moto.eks.responses import EKSResponse

    original_init = Cluster.__init__

    @functools.wraps(original_init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.upgrade_policy = {"supportType": "EXTENDED"}

    original_create = EKSResponse.create_cluster

    @functools.wraps(original_create)
    def create_cluster(self: Any) -> Any:
        result = original_create(self)
        policy = self._get_param("upgradePolicy")
        if policy:
            self.eks_backend.clusters[self._get_param("name")].upgrade_policy = dict(policy)
        return result

    Cluster.__init__ = __init__
    EKSResponse.create_cluster = create_cluster


@patch
def eks_version_updates() -> None:
    """UpdateClusterVersion and UpdateNodegroupVersion, which moto lacks (404); EKS has both.

    As on EKS: a cluster moves one minor version at a time and never down; a node group moves to the
    cluster's version (the default) and never past it. The update completes at once.
    """
    from moto.core.responses import ActionResult
    from moto.eks import urls
    from moto.eks.exceptions import InvalidParameterException
    from moto.eks.models import EKSBackend
    from moto.eks.responses import EKSResponse

    def minor(version: str) -> tuple[int, ...]:
        return tuple(int(part) for part in version.split("."))

    def update_cluster_version(self: Any, name: str, version: str) -> dict[str, Any]:
        cluster = self.describe_cluster(name)  # ResourceNotFoundException, as on EKS
        have, want = minor(cluster.version), minor(version)
        if want[0] != have[0] or want[1] != have[1] + 1:
            raise InvalidParameterException(
                message=f"Unsupported Kubernetes minor version update from {cluster.version} to {version}"
            )
        cluster.version = version
        return _update("VersionUpdate", [{"type": "Version", "value": version}])

    def update_nodegroup_version(
        self: Any, cluster_name: str, nodegroup_name: str, version: str | None
    ) -> dict[str, Any]:
        nodegroup = self.describe_nodegroup(cluster_name, nodegroup_name)
        cluster = self.describe_cluster(cluster_name)
        version = version or cluster.version
        if minor(version) > minor(cluster.version):
            raise InvalidParameterException(
                message=f"Kubernetes version {version} is newer than the cluster's {cluster.version}"
            )
        nodegroup.version = version
        return _update("VersionUpdate", [{"type": "Version", "value": version}])

    def respond_cluster(self: Any) -> ActionResult:
        update = self.eks_backend.update_cluster_version(self._get_param("name"), self._get_param("version"))
        return ActionResult({"update": update})

    def respond_nodegroup(self: Any) -> ActionResult:
        update = self.eks_backend.update_nodegroup_version(
            self._get_param("name"), self._get_param("nodegroupName"), self._get_param("version")
        )
        return ActionResult({"update": update})

    EKSBackend.update_cluster_version = update_cluster_version
    EKSBackend.update_nodegroup_version = update_nodegroup_version
    EKSResponse.update_cluster_version = respond_cluster
    EKSResponse.update_nodegroup_version = respond_nodegroup
    urls.url_paths["{0}/clusters/(?P<name>[^/]+)/updates$"] = urls.response.dispatch
    urls.url_paths["{0}/clusters/(?P<name>[^/]+)/node-groups/(?P<nodegroupName>[^/]+)/update-version$"] = (
        urls.response.dispatch
    )


@patch
def tagging_api_covers_eks() -> None:
    """GetResources lists EKS clusters and node groups, and EC2 launch templates, as AWS does.

    The teardown sweep finds leftovers through that API; moto's lists none of the three.
    """
    from moto.core.resource_tagging import TaggableResourcesMixin, TaggedResource
    from moto.ec2.models import EC2Backend
    from moto.eks.models import EKSBackend

    def eks_resources(self: Any) -> Any:
        for cluster in self.clusters.values():
            yield TaggedResource(arn=cluster.arn, tags=dict(cluster.tags or {}), resource_type="eks:cluster")
            for nodegroup in cluster.nodegroups.values():
                yield TaggedResource(
                    arn=nodegroup.arn, tags=dict(nodegroup.tags or {}), resource_type="eks:nodegroup"
                )

    EKSBackend.SERVICE_NAMESPACE = "eks"
    EKSBackend.iter_tagged_resources = eks_resources
    if TaggableResourcesMixin not in EKSBackend.__mro__:
        EKSBackend.__bases__ = (*EKSBackend.__bases__, TaggableResourcesMixin)

    original = EC2Backend.iter_tagged_resources

    @functools.wraps(original)
    def ec2_resources(self: Any) -> Any:
        yield from original(self)
        for template in self.launch_templates.values():
            yield TaggedResource(
                arn=f"arn:{self.partition}:ec2:{self.region_name}:{self.account_id}:launch-template/{template.id}",
                tags=dict(self.tags.get(template.id, {})),
                resource_type="ec2:launch-template",
            )

    EC2Backend.iter_tagged_resources = ec2_resources


@patch
def eks_nodegroup_version_defaults_to_cluster() -> None:
    """A node group created without a version runs its cluster's version (moto: always 1.19)."""
    from moto.eks.models import EKSBackend

    original = EKSBackend.create_nodegroup

    @functools.wraps(original)
    def create_nodegroup(self: Any, *args: Any, **kwargs: Any) -> Any:
        cluster = self.clusters.get(kwargs.get("cluster_name"))
        if not kwargs.get("version") and cluster is not None:
            kwargs["version"] = cluster.version
        return original(self, *args, **kwargs)

    EKSBackend.create_nodegroup = create_nodegroup
