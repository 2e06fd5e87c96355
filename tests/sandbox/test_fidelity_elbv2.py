"""sandbox/aws/fidelity/elbv2.py: load balancer DNS names as AWS makes them."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def subnets(client) -> list[str]:
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    return [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{index}.0/24", AvailabilityZone=f"us-east-1{zone}")[
            "Subnet"
        ]["SubnetId"]
        for index, zone in enumerate("ab")
    ]


@pytest.mark.parametrize(("scheme", "prefix"), [("internet-facing", ""), ("internal", "internal-")])
def test_alb_dns_name_has_scheme_prefix_and_ten_digits(client, subnets, scheme: str, prefix: str) -> None:
    elbv2 = client("elbv2")
    name = f"k8s-fidelity-{scheme[:8]}"
    created = elbv2.create_load_balancer(Name=name, Subnets=subnets, Scheme=scheme, Type="application")
    dns_name = created["LoadBalancers"][0]["DNSName"]
    assert re.fullmatch(rf"{prefix}{name}-\d{{10}}\.us-east-1\.elb\.amazonaws\.com", dns_name)
    (described,) = elbv2.describe_load_balancers(Names=[name])["LoadBalancers"]
    assert described["DNSName"] == dns_name
