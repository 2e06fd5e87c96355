"""Fidelity patches for EC2."""

from __future__ import annotations

from sandbox.aws.fidelity import patch


@patch
def ec2_tag_resource_types() -> None:
    """DescribeTags filters and reports `natgateway` and `elastic-ip`, not moto's internal names.

    amazon.aws.ec2_vpc_nat_gateway and ec2_eip read tags back with a resource-type filter; with moto's
    names they find none and report changed on every run.
    """
    from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE

    EC2_PREFIX_TO_RESOURCE.update({"nat": "natgateway", "eipalloc": "elastic-ip", "h": "dedicated-host"})
