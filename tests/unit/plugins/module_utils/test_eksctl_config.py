"""The ClusterConfig of the platform: rendering, validation naming the variable, lifecycle, eksctl plan."""

import datetime

import pytest
from ansible_collections.ecommerce_demo.platform.plugins.module_utils import eksctl_config as ec

TODAY = datetime.date(2026, 12, 1)
TAGS = {"Project": "ecommerce-demo", "Environment": "demo", "ManagedBy": "ansible"}
PRIVATE = [
    {"id": "subnet-0a00000000000a011", "availability_zone": "us-east-1a", "cidr": "10.0.11.0/24"},
    {"id": "subnet-0b00000000000b012", "availability_zone": "us-east-1b", "cidr": "10.0.12.0/24"},
]
PUBLIC = [
    {"id": "subnet-0a00000000000a001", "availability_zone": "us-east-1a"},
    {"id": "subnet-0b00000000000b001", "availability_zone": "us-east-1b"},
]
NODES = {
    "name": "ecommerce-demo-nodes",
    "instance_type": "t3.medium",
    "ami_family": "AmazonLinux2023",
    "desired_size": 2,
    "min_size": 2,
    "max_size": 4,
    "volume_size": 20,
    "labels": {},
}


def config(**changes):
    arguments = {
        "name": "ecommerce-demo",
        "region": "us-east-1",
        "version": "1.32",
        "support_type": "EXTENDED",
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
        "private_subnets": PRIVATE,
        "public_subnets": PUBLIC,
        "nodegroups": [NODES],
        "tags": TAGS,
    }
    nodegroup_changes = changes.pop("nodegroup", {})
    arguments.update(changes)
    if nodegroup_changes:
        arguments["nodegroups"] = [dict(NODES, **nodegroup_changes)]
    return ec.render(**arguments)


def errors(document):
    with pytest.raises(ec.InvalidClusterConfig) as raised:
        ec.validate(document, today=TODAY)
    return raised.value.errors


def test_the_platform_config_is_valid_and_complete():
    document = ec.validate(config(), today=TODAY)
    assert document["apiVersion"] == "eksctl.io/v1alpha5"
    assert document["kind"] == "ClusterConfig"
    assert document["metadata"] == {
        "name": "ecommerce-demo",
        "region": "us-east-1",
        "version": "1.32",
        "tags": TAGS,
    }
    assert document["upgradePolicy"] == {"supportType": "EXTENDED"}
    assert document["iam"] == {"withOIDC": True}
    assert document["vpc"]["id"] == "vpc-0a1b2c3d4e5f60718"
    assert document["vpc"]["subnets"]["private"] == {
        "us-east-1a": {"id": "subnet-0a00000000000a011"},
        "us-east-1b": {"id": "subnet-0b00000000000b012"},
    }
    assert [addon["name"] for addon in document["addons"]] == ["vpc-cni", "coredns", "kube-proxy"]
    assert document["cloudWatch"]["clusterLogging"]["enableTypes"] == list(ec.LOG_TYPES)
    (group,) = document["managedNodeGroups"]
    assert (group["instanceType"], group["amiFamily"]) == ("t3.medium", "AmazonLinux2023")
    assert (group["minSize"], group["desiredCapacity"], group["maxSize"]) == (2, 2, 4)
    assert group["privateNetworking"] is True
    assert group["subnets"] == [subnet["id"] for subnet in PRIVATE]
    assert group["tags"]["k8s.io/cluster-autoscaler/enabled"] == "true"
    assert group["tags"]["k8s.io/cluster-autoscaler/ecommerce-demo"] == "owned"
    assert group["tags"]["Project"] == "ecommerce-demo"


@pytest.mark.parametrize(
    ("changes", "variable"),
    [
        ({"version": "1.27"}, "eks_cluster_version"),
        ({"version": "1.3"}, "eks_cluster_version"),
        ({"version": 1.32}, "eks_cluster_version"),
        ({"name": "-bad"}, "eks_cluster_name"),
        ({"region": "useast1"}, "project_aws_region"),
        ({"support_type": "PREMIUM"}, "eks_support_type"),
        ({"vpc_id": "vpc-XYZ"}, "network_vpc_id"),
        ({"private_subnets": PRIVATE[:1]}, "network_private_subnets"),
        ({"private_subnets": [dict(PRIVATE[0], id="sn-1"), PRIVATE[1]]}, "network_private_subnets"),
        (
            {"private_subnets": [dict(PRIVATE[0], availability_zone="eu-west-1a"), PRIVATE[1]]},
            "network_private_subnets",
        ),
        ({"log_types": ["api", "kubelet"]}, "eks_cluster_log_types"),
        ({"addons": ["vpc-cni", "istio"]}, "eks_addons"),
        ({"nodegroup": {"instance_type": "t3-medium"}}, "eks_nodegroups[0].instance_type"),
        ({"nodegroup": {"instance_type": "T3.medium"}}, "eks_nodegroups[0].instance_type"),
        ({"nodegroup": {"instance_type": "t3.huge"}}, "eks_nodegroups[0].instance_type"),
        ({"nodegroup": {"ami_family": "Ubuntu"}}, "eks_nodegroups[0].ami_family"),
        ({"nodegroup": {"desired_size": 5}}, "min_size <= desired_size <= max_size"),
        ({"nodegroup": {"min_size": "2"}}, "eks_nodegroups[0].min_size"),
        ({"nodegroup": {"volume_size": 0}}, "eks_nodegroups[0].volume_size"),
        ({"nodegroup": {"name": "bad name"}}, "eks_nodegroups[0].name"),
        ({"nodegroup": {"labels": {"tier": 1}}}, "eks_nodegroups[0].labels"),
        ({"tags": {"Cost": 12}}, "project_tags"),
    ],
)
def test_a_wrong_input_fails_naming_its_variable(changes, variable):
    found = errors(config(**changes))
    assert any(variable in message for message in found), found


def test_every_wrong_field_is_reported_at_once():
    found = errors(config(version="1.20", nodegroup={"instance_type": "big"}))
    assert len(found) == 2


@pytest.mark.parametrize(
    "instance_type", ["t3.medium", "m7g.large", "c6in.2xlarge", "r5d.24xlarge", "m5.metal"]
)
def test_real_instance_types_pass(instance_type):
    ec.validate(config(nodegroup={"instance_type": instance_type}), today=TODAY)


def test_standard_support_is_refused_past_its_end_and_allowed_before():
    assert any("eks_support_type" in e for e in errors(config(support_type="STANDARD")))
    ec.validate(config(support_type="STANDARD", version="1.34"), today=TODAY)


@pytest.mark.parametrize(
    ("version", "today", "period", "price"),
    [
        ("1.32", datetime.date(2026, 3, 22), "standard", 0.10),
        ("1.32", datetime.date(2026, 3, 23), "extended", 0.60),
        ("1.32", datetime.date(2027, 3, 22), "extended", 0.60),
        ("1.32", datetime.date(2027, 3, 23), "ended", 0.60),
        ("1.33", datetime.date(2026, 7, 28), "standard", 0.10),
        ("1.35", TODAY, "standard", 0.10),
    ],
)
def test_support_period_follows_the_calendar(version, today, period, price):
    support = ec.support_period(version, today)
    assert (support["period"], support["price_per_hour"]) == (period, price)


def test_the_message_says_the_period_and_the_cost():
    message = ec.support_period("1.32", TODAY)["message"]
    assert "extended support until 2027-03-23" in message
    assert "left standard support on 2026-03-23" in message
    assert "$0.60 per cluster-hour instead of $0.10" in message
    assert "$365 more" in message


def test_upgrades_go_one_minor_version_at_a_time_and_never_down():
    assert ec.upgrade_steps("1.32", "1.32") == []
    assert ec.upgrade_steps("1.31", "1.33") == ["1.32", "1.33"]
    with pytest.raises(ValueError, match="cannot downgrade"):
        ec.upgrade_steps("1.33", "1.32")


def test_cluster_and_nodegroup_requests_follow_the_config():
    document = config()
    request = ec.cluster_request(document, "arn:aws:iam::123456789012:role/c")
    assert request["version"] == "1.32"
    assert request["upgradePolicy"] == {"supportType": "EXTENDED"}
    assert request["tags"] == TAGS
    assert sorted(request["resourcesVpcConfig"]["subnetIds"]) == sorted(s["id"] for s in PRIVATE + PUBLIC)
    assert request["logging"] == {"clusterLogging": [{"types": list(ec.LOG_TYPES), "enabled": True}]}
    nodegroup = ec.nodegroup_request(document, document["managedNodeGroups"][0], "arn:aws:iam::1:role/n")
    assert nodegroup["scalingConfig"] == {"minSize": 2, "maxSize": 4, "desiredSize": 2}
    assert nodegroup["amiType"] == "AL2023_x86_64_STANDARD"
    assert nodegroup["instanceTypes"] == ["t3.medium"]


def test_logging_lists_disabled_types_too():
    assert ec.cluster_logging(["api"]) == {
        "clusterLogging": [
            {"types": ["api"], "enabled": True},
            {"types": ["audit", "authenticator", "controllerManager", "scheduler"], "enabled": False},
        ]
    }
    assert ec.enabled_log_types(ec.cluster_logging(["audit", "api"])) == ["api", "audit"]


CLUSTER = {
    "Name": "ecommerce-demo",
    "Version": "1.32",
    "Arn": "arn:aws:eks:us-east-1:123456789012:cluster/ecommerce-demo",
}
GROUP = {"Name": "ecommerce-demo-nodes", "DesiredCapacity": 2, "MinSize": 2, "MaxSize": 4, "Version": "1.32"}
WHERE = ["--region", "us-east-1"]
SIZES = ["--nodes", "3", "--nodes-min", "2", "--nodes-max", "4"]
NODEGROUP_133 = ["--name", "ecommerce-demo-nodes", "--kubernetes-version", "1.33"]


def test_eksctl_creates_a_missing_cluster_from_the_file():
    assert ec.eksctl_plan(config(), "/c.yaml", [], []) == [["create", "cluster", "--config-file", "/c.yaml"]]


def test_eksctl_does_nothing_when_everything_matches():
    assert ec.eksctl_plan(config(), "/c.yaml", [CLUSTER], [GROUP]) == []


def test_eksctl_creates_only_missing_nodegroups():
    assert ec.eksctl_plan(config(), "/c.yaml", [CLUSTER], []) == [
        ["create", "nodegroup", "--config-file", "/c.yaml", "--include", "ecommerce-demo-nodes"]
    ]


def test_eksctl_scales_a_nodegroup_whose_size_changed():
    assert ec.eksctl_plan(config(nodegroup={"desired_size": 3}), "/c.yaml", [CLUSTER], [GROUP]) == [
        [
            "scale",
            "nodegroup",
            "--cluster",
            "ecommerce-demo",
            *WHERE,
            "--name",
            "ecommerce-demo-nodes",
            *SIZES,
        ]
    ]


def test_eksctl_upgrades_the_control_plane_step_by_step_then_the_nodegroups():
    old = dict(CLUSTER, Version="1.31")
    plan = ec.eksctl_plan(config(version="1.33"), "/c.yaml", [old], [dict(GROUP, Version="1.31")])
    assert plan == [
        ["upgrade", "cluster", "--name", "ecommerce-demo", *WHERE, "--version", "1.32", "--approve"],
        ["upgrade", "cluster", "--name", "ecommerce-demo", *WHERE, "--version", "1.33", "--approve"],
        ["upgrade", "nodegroup", "--cluster", "ecommerce-demo", *WHERE, *NODEGROUP_133],
    ]


def test_eksctl_facts_derive_the_oidc_provider_arn():
    cluster = dict(
        CLUSTER,
        Endpoint="https://X.gr7.us-east-1.eks.amazonaws.com",
        CertificateAuthority={"Data": "Q0E="},
        Identity={"Oidc": {"Issuer": "https://oidc.eks.us-east-1.amazonaws.com/id/ABC"}},
    )
    facts = ec.eksctl_cluster_facts(cluster)
    assert (
        facts["oidc_provider_arn"]
        == "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"
    )
    assert facts["certificate_authority_data"] == "Q0E="
    assert ec.eksctl_cluster_facts({})["oidc_provider_arn"] == ""
