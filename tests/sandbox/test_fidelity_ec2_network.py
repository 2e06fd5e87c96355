"""The sweep (tagged_resources_info) finds a leftover of every type the network and irsa roles create.

Runs against a patched moto server (tests/sandbox/conftest.py) and calls the sweep module's own
search functions with boto3 clients, so what is proven is what teardown.yml's sweep sees.
"""

from __future__ import annotations

import importlib
import json
import sys
import uuid
from pathlib import Path

import pytest

COLLECTIONS = Path(__file__).resolve().parents[2] / ".cache" / "collections"
if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))

RETRIES = importlib.import_module("ansible_collections.amazon.aws.plugins.module_utils.retries")
SWEEP = importlib.import_module(
    "ansible_collections.ecommerce_demo.platform.plugins.modules.tagged_resources_info"
)


ACCOUNT = "123456789012"


class SweepModule:
    """What the sweep takes from AnsibleAWSModule: its parameters, its region, and (retrying) clients,
    here on the sandbox's endpoint."""

    def __init__(self, make_client, tags: dict[str, str]) -> None:
        # Managed policies are searched among those named like ours (the sweep's derived names) or attached
        # to our roles: tags alone would cost a tag read per policy of the account.
        names = [{"type": "iam:policy", "name_prefix": "sweep-policy-"}]
        self.params = {
            "tags": tags,
            "names": names,
            "also_tagged": [],
            "resource_type_filters": [],
            "account_id": "123456789012",
            "verify": True,  # the teardown's sweep confirms that each resource found still exists
        }
        self.region = "us-east-1"
        self._make_client = make_client

    def client(self, service: str, retry_decorator=None):
        return RETRIES.RetryingBotoClientWrapper(self._make_client(service), retry_decorator)


@pytest.fixture
def tags() -> dict[str, str]:
    """Tags of this test's resources only (the moto server is shared by the session)."""
    return {"Project": "sweep-network", "Environment": uuid.uuid4().hex[:12]}


@pytest.fixture
def leftovers(client, tags):
    """One tagged resource of each type the network and irsa roles create, as a failed run leaves them."""
    ec2, iam = client("ec2"), client("iam")
    suffix = tags["Environment"]
    tag_list = [{"Key": k, "Value": v} for k, v in tags.items()]

    def spec(resource_type: str) -> list[dict]:
        return [{"ResourceType": resource_type, "Tags": tag_list}]

    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16", TagSpecifications=spec("vpc"))["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.77.1.0/24", TagSpecifications=spec("subnet"))[
        "Subnet"
    ]["SubnetId"]
    igw = ec2.create_internet_gateway(TagSpecifications=spec("internet-gateway"))["InternetGateway"][
        "InternetGatewayId"
    ]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    allocation = ec2.allocate_address(Domain="vpc", TagSpecifications=spec("elastic-ip"))["AllocationId"]
    nat = ec2.create_nat_gateway(
        SubnetId=subnet, AllocationId=allocation, TagSpecifications=spec("natgateway")
    )["NatGateway"]["NatGatewayId"]
    table = ec2.create_route_table(VpcId=vpc, TagSpecifications=spec("route-table"))["RouteTable"][
        "RouteTableId"
    ]
    group = ec2.create_security_group(
        GroupName=f"sweep-nodes-{suffix}",
        Description="sweep",
        VpcId=vpc,
        TagSpecifications=spec("security-group"),
    )["GroupId"]
    role = iam.create_role(
        RoleName=f"sweep-irsa-{suffix}", AssumeRolePolicyDocument=json.dumps({"Statement": []}), Tags=tag_list
    )["Role"]["Arn"]
    policy = iam.create_policy(
        PolicyName=f"sweep-policy-{suffix}",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}],
            }
        ),
        Tags=tag_list,
    )["Policy"]["Arn"]
    prefix = "arn:aws:ec2:us-east-1:123456789012:"
    return {
        "ec2:vpc": prefix + f"vpc/{vpc}",
        "ec2:subnet": prefix + f"subnet/{subnet}",
        "ec2:internet-gateway": prefix + f"internet-gateway/{igw}",
        "ec2:elastic-ip": prefix + f"elastic-ip/{allocation}",
        "ec2:natgateway": prefix + f"natgateway/{nat}",
        "ec2:route-table": prefix + f"route-table/{table}",
        "ec2:security-group": prefix + f"security-group/{group}",
        "iam:role": role,
        "iam:policy": policy,
    }


def sweep(client, tags) -> dict[str, str]:
    """The module's own search, by tag (Resource Groups Tagging API, confirmed by listing) and in IAM."""
    search = SWEEP.Sweep(SweepModule(client, tags))
    search.by_tag()
    search.iam()
    return {r["arn"]: r["resource_type"] for r in search.findings.results()}


def test_the_sweep_finds_a_leftover_of_every_network_and_irsa_type(client, tags, leftovers) -> None:
    found = sweep(client, tags)
    missing = {kind: arn for kind, arn in leftovers.items() if arn not in found}
    assert not missing, f"the sweep does not see: {missing}"
    assert {found[arn] for arn in leftovers.values()} == set(leftovers)


def test_a_deleted_nat_gateway_is_no_leftover_but_its_address_is(client, tags, leftovers) -> None:
    nat_id = leftovers["ec2:natgateway"].rsplit("/", 1)[-1]
    client("ec2").delete_nat_gateway(NatGatewayId=nat_id)
    found = sweep(client, tags)
    assert leftovers["ec2:natgateway"] not in found
    assert leftovers["ec2:elastic-ip"] in found  # not released: still a leftover
    allocation = leftovers["ec2:elastic-ip"].rsplit("/", 1)[-1]
    client("ec2").release_address(AllocationId=allocation)
    assert leftovers["ec2:elastic-ip"] not in sweep(client, tags)
