"""Fidelity patches: make moto answer the way real AWS does where upstream modules depend on it.

Each patch fixes one field that moto omits or names differently, so that an amazon.aws / community.aws
module that is right for real AWS also works against the sandbox. The roles stay unchanged: the sandbox
is what bends. Every patch is listed in PATCHES, documented in docs/sandbox.md and has a test in
tests/sandbox/test_fidelity.py that fails if the patch stops working (or if moto fixes it upstream,
in which case the patch can go).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

PATCHES: list[Callable[[], None]] = []


def patch(func: Callable[[], None]) -> Callable[[], None]:
    PATCHES.append(func)
    return func


@patch
def dynamodb_table_id() -> None:
    """DescribeTable/CreateTable return TableId (a UUID) on AWS; community.aws.dynamodb_table reads it."""
    from moto.dynamodb.models.table import Table

    original = Table.describe

    @functools.wraps(original)
    def describe(self: Any, base_key: str = "TableDescription") -> dict[str, Any]:
        result = original(self, base_key)
        if not hasattr(self, "_sandbox_table_id"):
            self._sandbox_table_id = str(uuid.uuid4())
        result[base_key].setdefault("TableId", self._sandbox_table_id)
        return result

    Table.describe = describe


@patch
def ec2_tag_resource_types() -> None:
    """DescribeTags filters and reports `natgateway` and `elastic-ip`, not moto's internal names.

    amazon.aws.ec2_vpc_nat_gateway and ec2_eip read tags back with a resource-type filter; with moto's
    names they find none and report changed on every run.
    """
    from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE

    EC2_PREFIX_TO_RESOURCE.update({"nat": "natgateway", "eipalloc": "elastic-ip", "h": "dedicated-host"})


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


@patch
def rds_gp3_storage_throughput() -> None:
    """RDS reports the gp3 baseline (125 MiB/s, 3000 IOPS) when none was asked for."""
    from moto.rds.models import DBInstance

    prop = DBInstance.storage_throughput

    def setter(self: Any, value: int | None) -> None:
        if self.storage_type == "gp3" and not value:
            value = 125
        prop.fset(self, value)

    DBInstance.storage_throughput = prop.setter(setter)


def apply_all() -> list[str]:
    """Apply every patch once; returns their names (printed at start-up, tested)."""
    for fidelity_patch in PATCHES:
        fidelity_patch()
    return [p.__name__ for p in PATCHES]


@patch
def tagging_api_covers_ecr() -> None:
    """Resource Groups Tagging API GetResources lists ECR repositories, as AWS does.

    teardown.yml's sweep asks that API for anything still tagged with the project; without this patch
    a left-over repository would go unseen in the sandbox.
    """
    from moto.core.resource_tagging import TaggableResourcesMixin, TaggedResource
    from moto.ecr.models import ECRBackend

    def iter_tagged_resources(self: Any) -> Any:
        for repository in self.repositories.values():
            tags = self.tagger.get_tag_dict_for_resource(repository.arn)
            yield TaggedResource(arn=repository.arn, tags=tags, resource_type="ecr:repository")

    # Mixing in after class creation: moto's RGTA backend finds taggable backends by issubclass().
    ECRBackend.SERVICE_NAMESPACE = "ecr"
    ECRBackend.iter_tagged_resources = iter_tagged_resources
    if TaggableResourcesMixin not in ECRBackend.__bases__:
        ECRBackend.__bases__ = (*ECRBackend.__bases__, TaggableResourcesMixin)


@patch
def iam_oidc_client_ids() -> None:
    """Add/RemoveClientIDTo/FromOpenIDConnectProvider, which moto lacks (HTTP 500); AWS has both.

    Both are idempotent on AWS (adding a present id or removing an absent one is no error), raise
    NoSuchEntity for an unknown provider, and adding fails past 100 client ids.
    """
    from moto.core.responses import EmptyResult
    from moto.iam.exceptions import LimitExceededException
    from moto.iam.models import IAMBackend
    from moto.iam.responses import IamResponse

    def add_client_id(self: Any, arn: str, client_id: str) -> None:
        provider = self.get_open_id_connect_provider(arn)  # NoSuchEntity, as on AWS
        if client_id not in provider.client_id_list:
            if len(provider.client_id_list) >= 100:
                raise LimitExceededException("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100")
            provider.client_id_list.append(client_id)

    def remove_client_id(self: Any, arn: str, client_id: str) -> None:
        provider = self.get_open_id_connect_provider(arn)
        if client_id in provider.client_id_list:
            provider.client_id_list.remove(client_id)

    def responder(operation: str) -> Callable[[Any], Any]:
        def respond(self: Any) -> Any:
            getattr(self.backend, operation)(
                self._get_param("OpenIDConnectProviderArn"), self._get_param("ClientID")
            )
            return EmptyResult()

        return respond

    IAMBackend.add_client_id_to_open_id_connect_provider = add_client_id
    IAMBackend.remove_client_id_from_open_id_connect_provider = remove_client_id
    for operation in (
        "add_client_id_to_open_id_connect_provider",
        "remove_client_id_from_open_id_connect_provider",
    ):
        setattr(IamResponse, operation, responder(operation))
