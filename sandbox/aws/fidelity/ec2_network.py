"""Fidelity patches for the EC2 resources of the network role, as the tagging API sees them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sandbox.aws.fidelity import patch


@patch
def tagging_api_covers_elastic_ips_and_forgets_deleted_nat_gateways() -> None:
    """Resource Groups Tagging API GetResources lists Elastic IPs, and no NAT gateway once deleted.

    AWS lists an allocated Elastic IP as ``ec2:elastic-ip`` (``arn:aws:ec2:<region>:<account>:elastic-ip/
    eipalloc-...``); moto's tagging API leaves Elastic IPs out, so teardown.yml's sweep would miss one
    left behind. moto keeps a deleted NAT gateway for ever (state ``deleted``, tags intact) and its
    tagging API keeps listing it; AWS forgets a deleted NAT gateway (DescribeNatGateways shows it for
    about an hour), so the sweep would report every properly deleted NAT gateway as left behind.
    """
    from moto.core.resource_tagging import TaggedResource
    from moto.ec2.models import EC2Backend

    original = EC2Backend.iter_tagged_resources
    if getattr(original, "_network_fidelity", False):
        return

    def iter_tagged_resources(self: Any) -> Iterator[TaggedResource]:
        deleted_nats = {nat.id for nat in self.nat_gateways.values() if nat.state == "deleted"}
        for resource in original(self):
            if resource.resource_type == "ec2:natgateway" and resource.arn.rsplit("/", 1)[-1] in deleted_nats:
                continue
            yield resource
        for address in self.addresses:
            if address.allocation_id:
                yield TaggedResource(
                    arn=f"arn:{self.partition}:ec2:{self.region_name}:{self.account_id}"
                    f":elastic-ip/{address.allocation_id}",
                    tags=dict(self.tags.get(address.allocation_id, {})),
                    resource_type="ec2:elastic-ip",
                )

    iter_tagged_resources._network_fidelity = True  # type: ignore[attr-defined]
    EC2Backend.iter_tagged_resources = iter_tagged_resources
