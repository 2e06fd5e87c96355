"""Fidelity patches for Elastic Load Balancing v2."""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from sandbox.aws.fidelity import patch


@patch
def load_balancer_dns_names() -> None:
    """A load balancer's DNSName is `<name>-<10 digits>.<region>.elb.amazonaws.com`, with `internal-` in
    front for an internal one, as AWS makes it (moto: `<name>-1.<region>...` for both schemes).

    The AWS Load Balancer Controller's part in the emulator copies it to the Ingress status, and the cdn
    role uses it as the CloudFront origin; an internal ALB must not look internet-facing.
    """
    from moto.elbv2.models import ELBv2Backend

    original = ELBv2Backend.create_load_balancer

    @functools.wraps(original)
    def create_load_balancer(self: Any, *args: Any, **kwargs: Any) -> Any:
        balancer = original(self, *args, **kwargs)
        number = int(hashlib.sha256(balancer.arn.encode()).hexdigest(), 16) % 9_000_000_000 + 1_000_000_000
        prefix = "internal-" if balancer.scheme == "internal" else ""
        balancer.dns_name = f"{prefix}{balancer.name}-{number}.{self.region_name}.elb.amazonaws.com"
        return balancer

    ELBv2Backend.create_load_balancer = create_load_balancer
