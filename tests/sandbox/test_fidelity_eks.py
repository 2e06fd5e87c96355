"""EKS in the sandbox answers as EKS does (sandbox/aws/fidelity/eks.py), and is backed by the emulator
(sandbox/eks_bridge.py): its endpoint and CA are the emulator's, and its node groups are the emulator's Nodes.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import yaml

from tests.kube.kube_emulator import start_emulator
from tests.support.net import free_port, wait_for_port

REPO = Path(__file__).resolve().parents[2]
TAGS = {"Project": "fidelity-eks"}
TRUST = json.dumps({"Version": "2012-10-17", "Statement": []})


def clients(endpoint: str):
    def make(service: str):
        return boto3.client(
            service,
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="sandbox",
            aws_secret_access_key="sandbox",
        )

    return make


@pytest.fixture
def client(aws_endpoint: str):
    return clients(aws_endpoint)


def make_cluster(client, name: str, version: str = "1.31", **extra) -> tuple[str, list[str]]:
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for cidr, zone in (("10.0.11.0/24", "us-east-1a"), ("10.0.12.0/24", "us-east-1b"))
    ]
    role = client("iam").create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    client("eks").create_cluster(
        name=name,
        roleArn=role,
        version=version,
        resourcesVpcConfig={"subnetIds": subnets},
        tags=TAGS,
        **extra,
    )
    return role, subnets


def test_upgrade_policy_is_kept_and_defaults_to_extended(client) -> None:
    eks = client("eks")
    make_cluster(client, "policy-standard", upgradePolicy={"supportType": "STANDARD"})
    make_cluster(client, "policy-default")
    assert eks.describe_cluster(name="policy-standard")["cluster"]["upgradePolicy"] == {
        "supportType": "STANDARD"
    }
    assert eks.describe_cluster(name="policy-default")["cluster"]["upgradePolicy"] == {
        "supportType": "EXTENDED"
    }


def test_versions_move_one_minor_at_a_time_and_node_groups_follow(client) -> None:
    eks = client("eks")
    role, subnets = make_cluster(client, "upgrades", version="1.31")
    eks.create_nodegroup(clusterName="upgrades", nodegroupName="nodes", nodeRole=role, subnets=subnets)
    assert (
        eks.describe_nodegroup(clusterName="upgrades", nodegroupName="nodes")["nodegroup"]["version"]
        == "1.31"
    )
    with pytest.raises(eks.exceptions.InvalidParameterException):
        eks.update_cluster_version(name="upgrades", version="1.33")
    assert eks.update_cluster_version(name="upgrades", version="1.32")["update"]["type"] == "VersionUpdate"
    assert eks.describe_cluster(name="upgrades")["cluster"]["version"] == "1.32"
    eks.update_nodegroup_version(clusterName="upgrades", nodegroupName="nodes")
    assert (
        eks.describe_nodegroup(clusterName="upgrades", nodegroupName="nodes")["nodegroup"]["version"]
        == "1.32"
    )
    with pytest.raises(eks.exceptions.InvalidParameterException):
        eks.update_nodegroup_version(clusterName="upgrades", nodegroupName="nodes", version="1.33")


def test_tagging_api_lists_clusters_node_groups_and_launch_templates(client) -> None:
    role, subnets = make_cluster(client, "swept")
    eks = client("eks")
    nodegroup = eks.create_nodegroup(
        clusterName="swept", nodegroupName="nodes", nodeRole=role, subnets=subnets, tags=TAGS
    )["nodegroup"]["nodegroupArn"]
    template = client("ec2").create_launch_template(
        LaunchTemplateName="eksctl-swept-nodegroup-nodes",
        LaunchTemplateData={"InstanceType": "t3.medium"},
        TagSpecifications=[
            {"ResourceType": "launch-template", "Tags": [{"Key": "Project", "Value": "fidelity-eks"}]}
        ],
    )["LaunchTemplate"]["LaunchTemplateId"]
    found = client("resourcegroupstaggingapi").get_resources(
        TagFilters=[{"Key": "Project", "Values": ["fidelity-eks"]}],
        ResourceTypeFilters=["eks", "ec2:launch-template"],
    )["ResourceTagMappingList"]
    arns = {mapping["ResourceARN"] for mapping in found}
    assert {
        "arn:aws:eks:us-east-1:123456789012:cluster/swept",
        nodegroup,
        f"arn:aws:ec2:us-east-1:123456789012:launch-template/{template}",
    } <= arns


# --- the bridge to the Kubernetes emulator ------------------------------------------------------------


@pytest.fixture
def bridged(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An emulator (TLS) and a moto server bridged to it; yields (moto endpoint, emulator state dir)."""
    emulator = start_emulator(tmp_path / "kube", tls=True)
    port = free_port()
    log_path = tmp_path / "moto.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sandbox.aws",
                "serve",
                "--port",
                str(port),
                "--kube-state-dir",
                str(emulator.state_dir),
            ],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port, process, "moto", log_path)
            yield f"http://127.0.0.1:{port}", emulator.state_dir
        finally:
            process.terminate()
            process.wait(timeout=30)
            emulator.stop()


def eks_nodes(state_dir: Path) -> list[dict]:
    kubeconfig = str(state_dir / "kubeconfig")
    listed = subprocess.run(
        ["kubectl", "--kubeconfig", kubeconfig, "get", "nodes", "-o", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [
        n
        for n in json.loads(listed.stdout)["items"]
        if "eks.amazonaws.com/nodegroup" in n["metadata"]["labels"]
    ]


def test_the_cluster_is_the_emulator_and_its_nodes_are_the_node_group(bridged) -> None:
    endpoint, state_dir = bridged
    client = clients(endpoint)
    role, subnets = make_cluster(client, "bridged", version="1.32")
    eks = client("eks")
    cluster = eks.describe_cluster(name="bridged")["cluster"]
    kubeconfig = yaml.safe_load((state_dir / "kubeconfig").read_text())["clusters"][0]["cluster"]
    assert cluster["endpoint"] == kubeconfig["server"]
    assert (
        base64.b64decode(cluster["certificateAuthority"]["data"])
        == (state_dir / "apiserver.crt").read_bytes()
    )

    eks.create_nodegroup(
        clusterName="bridged",
        nodegroupName="nodes",
        nodeRole=role,
        subnets=subnets,
        instanceTypes=["t3.large"],
        scalingConfig={"minSize": 1, "maxSize": 4, "desiredSize": 2},
    )
    nodes = eks_nodes(state_dir)  # the emulator's seeded nodes gave way to the node group's
    assert len(nodes) == 2
    labels = [n["metadata"]["labels"] for n in nodes]
    assert {label["node.kubernetes.io/instance-type"] for label in labels} == {"t3.large"}
    assert {label["topology.kubernetes.io/zone"] for label in labels} == {"us-east-1a", "us-east-1b"}
    assert {label["eks.amazonaws.com/nodegroup"] for label in labels} == {"nodes"}
    for node in nodes:
        name = node["metadata"]["name"]
        assert name.startswith(("ip-10-0-11-", "ip-10-0-12-"))
        assert name.endswith(".ec2.internal")
        assert node["status"]["nodeInfo"]["kubeletVersion"] == "v1.32.0-eks"
        assert {"type": "Ready", "status": "True"}.items() <= next(
            c for c in node["status"]["conditions"] if c["type"] == "Ready"
        ).items()

    eks.update_nodegroup_config(
        clusterName="bridged",
        nodegroupName="nodes",
        scalingConfig={"minSize": 1, "maxSize": 4, "desiredSize": 3},
    )
    assert len(eks_nodes(state_dir)) == 3
    eks.update_cluster_version(name="bridged", version="1.33")
    eks.update_nodegroup_version(clusterName="bridged", nodegroupName="nodes")
    assert {n["status"]["nodeInfo"]["kubeletVersion"] for n in eks_nodes(state_dir)} == {"v1.33.0-eks"}
    eks.delete_nodegroup(clusterName="bridged", nodegroupName="nodes")
    assert eks_nodes(state_dir) == []
