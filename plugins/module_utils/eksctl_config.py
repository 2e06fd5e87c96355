# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The eksctl ClusterConfig (eksctl.io/v1alpha5) of the platform: render, validate, and what it costs.

Pure: no AWS client, no Ansible. The eks role renders the ClusterConfig here from inventory and the
network facts (module eks_cluster_config), writes it where a user can feed it to eksctl by hand, and
hands the same document to either engine: the eksctl binary, or the eks_cluster module, which reads
the EKS API requests from it with cluster_request() and nodegroup_request().

Validation names the role variable behind every wrong field (VARIABLES), so a wrong input fails
before any AWS call with a message a user can act on.
"""

import datetime
import re

API_VERSION = "eksctl.io/v1alpha5"
KIND = "ClusterConfig"

# --- the EKS version lifecycle (data) -------------------------------------------------------------
# Dates from the Amazon EKS Kubernetes release calendar. A version is in standard support from its
# release to end_of_standard, in extended support until end_of_extended, after which AWS upgrades the
# cluster automatically. eksctl (0.21x) creates clusters of these versions and refuses others.
EKS_VERSIONS = {
    "1.29": {"released": "2024-01-23", "end_of_standard": "2025-03-23", "end_of_extended": "2026-03-23"},
    "1.30": {"released": "2024-05-23", "end_of_standard": "2025-07-23", "end_of_extended": "2026-07-23"},
    "1.31": {"released": "2024-09-26", "end_of_standard": "2025-11-26", "end_of_extended": "2026-11-26"},
    "1.32": {"released": "2025-01-23", "end_of_standard": "2026-03-23", "end_of_extended": "2027-03-23"},
    "1.33": {"released": "2025-05-29", "end_of_standard": "2026-07-29", "end_of_extended": "2027-07-29"},
    "1.34": {"released": "2025-10-02", "end_of_standard": "2026-12-02", "end_of_extended": "2027-12-02"},
    "1.35": {"released": "2026-01-27", "end_of_standard": "2027-03-27", "end_of_extended": "2028-03-27"},
}
# Control-plane price per cluster-hour (USD), by support period; a month is 730 hours.
PRICE_PER_CLUSTER_HOUR = {"standard": 0.10, "extended": 0.60}
HOURS_PER_MONTH = 730

SUPPORT_TYPES = ("STANDARD", "EXTENDED")
LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
ADDONS = ("vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver", "eks-pod-identity-agent")
AMI_FAMILIES = ("AmazonLinux2023", "AmazonLinux2", "Bottlerocket")
# family + generation + optional attributes, a dot, a size: t3.medium, m7g.large, c6in.2xlarge, u-6tb1.metal.
INSTANCE_TYPE_PATTERN = re.compile(
    r"^(?:[a-z]+\d+[a-z-]*|u-\d+tb\d+)\.(?:nano|micro|small|medium|large|metal|\d*xlarge)$"
)
# EKS: 1-100 characters, a letter or digit first, then letters, digits, hyphens and underscores.
CLUSTER_NAME_PATTERN = re.compile(r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$")
NODEGROUP_NAME_PATTERN = re.compile(r"^[0-9A-Za-z][A-Za-z0-9_-]{0,62}$")
REGION_PATTERN = re.compile(r"^[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d$")
VPC_ID_PATTERN = re.compile(r"^vpc-[0-9a-f]{8,17}$")
SUBNET_ID_PATTERN = re.compile(r"^subnet-[0-9a-f]{8,17}$")

# Where each field comes from: the role variable a user sets. Errors name it.
VARIABLES = {
    "metadata.name": "eks_cluster_name",
    "metadata.region": "project_aws_region",
    "metadata.version": "eks_cluster_version",
    "metadata.tags": "project_tags",
    "upgradePolicy.supportType": "eks_support_type",
    "vpc.id": "network_vpc_id",
    "vpc.subnets.private": "network_private_subnets",
    "vpc.subnets.public": "network_public_subnet_ids",
    "vpc.clusterEndpoints": "eks_endpoint_public_access / eks_endpoint_private_access",
    "cloudWatch.clusterLogging.enableTypes": "eks_cluster_log_types",
    "addons": "eks_addons",
    "managedNodeGroups": "eks_nodegroups",
}
NODEGROUP_VARIABLES = {
    "name": "name",
    "instanceType": "instance_type",
    "amiFamily": "ami_family",
    "desiredCapacity": "desired_size",
    "minSize": "min_size",
    "maxSize": "max_size",
    "volumeSize": "volume_size",
    "subnets": "subnets",
    "labels": "labels",
}


class InvalidClusterConfig(ValueError):
    """The ClusterConfig is wrong; errors is the list of messages, each naming its variable."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


# --- rendering ------------------------------------------------------------------------------------


def autoscaler_tags(cluster_name):
    """The tags cluster-autoscaler's auto-discovery looks for on a node group's Auto Scaling group."""
    return {
        "k8s.io/cluster-autoscaler/enabled": "true",
        "k8s.io/cluster-autoscaler/" + cluster_name: "owned",
    }


def render(
    name,
    region,
    version,
    support_type,
    vpc_id,
    private_subnets,
    public_subnets,
    nodegroups,
    tags,
    log_types=LOG_TYPES,
    addons=("vpc-cni", "coredns", "kube-proxy"),
    endpoint_public_access=True,
    endpoint_private_access=True,
):
    """The ClusterConfig document (a dict) for an existing VPC.

    private_subnets and public_subnets: lists of {id, availability_zone} (public may be empty).
    nodegroups: list of {name, instance_type, ami_family, desired_size, min_size, max_size, volume_size,
    labels}; each runs in every private subnet, with private networking and cluster-autoscaler tags.
    """
    private_ids = [subnet.get("id") for subnet in private_subnets]
    config = {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {"name": name, "region": region, "version": version, "tags": dict(tags)},
        "upgradePolicy": {"supportType": support_type},
        "iam": {"withOIDC": True},
        "vpc": {
            "id": vpc_id,
            "subnets": {
                "private": _subnets_by_zone(private_subnets),
            },
            "clusterEndpoints": {
                "publicAccess": endpoint_public_access,
                "privateAccess": endpoint_private_access,
            },
        },
        "addons": [{"name": addon} for addon in addons],
        "cloudWatch": {"clusterLogging": {"enableTypes": list(log_types)}},
        "managedNodeGroups": [],
    }
    if public_subnets:
        config["vpc"]["subnets"]["public"] = _subnets_by_zone(public_subnets)
    for group in nodegroups:
        group_tags = dict(tags)
        group_tags.update(autoscaler_tags(name))
        config["managedNodeGroups"].append(
            {
                "name": group.get("name"),
                "instanceType": group.get("instance_type"),
                "amiFamily": group.get("ami_family", "AmazonLinux2023"),
                "desiredCapacity": group.get("desired_size"),
                "minSize": group.get("min_size"),
                "maxSize": group.get("max_size"),
                "volumeSize": group.get("volume_size", 20),
                "privateNetworking": True,
                "subnets": list(private_ids),
                "labels": dict(group.get("labels") or {}),
                "tags": group_tags,
                # The autoscaler reads the tags from the Auto Scaling group: eksctl copies them there.
                "propagateASGTags": True,
            }
        )
    return config


def _subnets_by_zone(subnets):
    return dict((subnet.get("availability_zone"), {"id": subnet.get("id")}) for subnet in subnets)


# --- validation -----------------------------------------------------------------------------------


def _where(path):
    return "{0} ({1})".format(VARIABLES.get(path, path), path)


def _nodegroup_where(index, key):
    return "eks_nodegroups[{0}].{1} (managedNodeGroups[{0}].{2})".format(
        index, NODEGROUP_VARIABLES.get(key, key), key
    )


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def validate(config, today=None):
    """Raise InvalidClusterConfig listing every wrong field of a rendered ClusterConfig.

    today (a date; default: the current UTC date) decides whether STANDARD support is still possible.
    """
    errors = []
    if not isinstance(config, dict):
        raise InvalidClusterConfig(
            ["the ClusterConfig must be a mapping, got {0}".format(type(config).__name__)]
        )
    if config.get("apiVersion") != API_VERSION or config.get("kind") != KIND:
        errors.append("apiVersion/kind must be {0}/{1}".format(API_VERSION, KIND))

    metadata = config.get("metadata") or {}
    name = metadata.get("name")
    if not isinstance(name, str) or not CLUSTER_NAME_PATTERN.match(name):
        errors.append(
            "{0} must be 1-100 letters, digits, hyphens or underscores, starting with a letter or digit, "
            "got {1!r}".format(_where("metadata.name"), name)
        )
    region = metadata.get("region")
    if not isinstance(region, str) or not REGION_PATTERN.match(region):
        errors.append(
            "{0} must be an AWS region such as us-east-1, got {1!r}".format(_where("metadata.region"), region)
        )
    version = metadata.get("version")
    if not isinstance(version, str):
        errors.append(
            "{0} must be a string such as '1.32' (quote it in YAML: 1.30 is the number 1.3), "
            "got {1!r}".format(_where("metadata.version"), version)
        )
    elif version not in EKS_VERSIONS:
        errors.append(
            "{0}: eksctl does not accept Kubernetes version {1!r}; it accepts {2}".format(
                _where("metadata.version"), version, ", ".join(sorted(EKS_VERSIONS, key=version_key))
            )
        )
    tags = metadata.get("tags")
    if not isinstance(tags, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in tags.items()
    ):
        errors.append("{0} must map strings to strings, got {1!r}".format(_where("metadata.tags"), tags))

    support_type = (config.get("upgradePolicy") or {}).get("supportType")
    if support_type not in SUPPORT_TYPES:
        errors.append(
            "{0} must be one of {1}, got {2!r}".format(
                _where("upgradePolicy.supportType"), ", ".join(SUPPORT_TYPES), support_type
            )
        )
    elif support_type == "STANDARD" and version in EKS_VERSIONS:
        period = support_period(version, today)
        if period["period"] != "standard":
            errors.append(
                "{0}=STANDARD is not possible for Kubernetes {1}: its standard support ended on {2}; "
                "choose EXTENDED or a newer eks_cluster_version".format(
                    _where("upgradePolicy.supportType"), version, period["end_of_standard"]
                )
            )

    if (config.get("iam") or {}).get("withOIDC") is not True:
        errors.append("iam.withOIDC must be true: IRSA needs the cluster's OIDC provider")

    vpc = config.get("vpc") or {}
    if not isinstance(vpc.get("id"), str) or not VPC_ID_PATTERN.match(vpc.get("id")):
        errors.append("{0} must be a VPC id (vpc-...), got {1!r}".format(_where("vpc.id"), vpc.get("id")))
    subnets = vpc.get("subnets") or {}
    private = subnets.get("private")
    private_ids = set()
    if not isinstance(private, dict) or len(private) < 2:
        errors.append(
            "{0} must name subnets in at least two availability zones (EKS requires two), got {1!r}".format(
                _where("vpc.subnets.private"), private
            )
        )
    for kind in ("private", "public"):
        for zone, subnet in (subnets.get(kind) or {}).items():
            subnet_id = (subnet or {}).get("id")
            if not isinstance(subnet_id, str) or not SUBNET_ID_PATTERN.match(subnet_id):
                errors.append(
                    "{0} in {1} must be a subnet id (subnet-...), got {2!r}".format(
                        _where("vpc.subnets." + kind), zone, subnet_id
                    )
                )
            elif region and isinstance(zone, str) and not zone.startswith(str(region)):
                errors.append(
                    "{0}: zone {1!r} is not in region {2!r}".format(
                        _where("vpc.subnets." + kind), zone, region
                    )
                )
            elif kind == "private":
                private_ids.add(subnet_id)
    endpoints = vpc.get("clusterEndpoints") or {}
    if not (endpoints.get("publicAccess") or endpoints.get("privateAccess")):
        errors.append(
            "{0}: the API endpoint must be reachable publicly, privately or both".format(
                _where("vpc.clusterEndpoints")
            )
        )

    log_types = (config.get("cloudWatch") or {}).get("clusterLogging", {}).get("enableTypes")
    if not isinstance(log_types, list) or not set(log_types) <= set(LOG_TYPES):
        errors.append(
            "{0} must be a list drawn from {1}, got {2!r}".format(
                _where("cloudWatch.clusterLogging.enableTypes"), ", ".join(LOG_TYPES), log_types
            )
        )

    addons = config.get("addons")
    names = [addon.get("name") for addon in addons] if isinstance(addons, list) else None
    if names is None or not set(names) <= set(ADDONS) or len(set(names)) != len(names):
        errors.append(
            "{0} must be distinct names drawn from {1}, got {2!r}".format(
                _where("addons"), ", ".join(ADDONS), names
            )
        )

    errors.extend(_validate_nodegroups(config.get("managedNodeGroups"), private_ids))
    if errors:
        raise InvalidClusterConfig(errors)
    return config


def _validate_nodegroups(groups, private_ids):
    errors = []
    if not isinstance(groups, list) or not groups:
        return ["{0} must list at least one node group".format(_where("managedNodeGroups"))]
    seen = set()
    for index, group in enumerate(groups):
        name = group.get("name")
        if not isinstance(name, str) or not NODEGROUP_NAME_PATTERN.match(name):
            errors.append(
                "{0} must be 1-63 letters, digits, hyphens or underscores, got {1!r}".format(
                    _nodegroup_where(index, "name"), name
                )
            )
        elif name in seen:
            errors.append("{0} {1!r} is used twice".format(_nodegroup_where(index, "name"), name))
        seen.add(name)
        instance_type = group.get("instanceType")
        if not isinstance(instance_type, str) or not INSTANCE_TYPE_PATTERN.match(instance_type):
            errors.append(
                "{0} must be an EC2 instance type such as t3.medium, got {1!r}".format(
                    _nodegroup_where(index, "instanceType"), instance_type
                )
            )
        if group.get("amiFamily") not in AMI_FAMILIES:
            errors.append(
                "{0} must be one of {1}, got {2!r}".format(
                    _nodegroup_where(index, "amiFamily"), ", ".join(AMI_FAMILIES), group.get("amiFamily")
                )
            )
        sizes = dict((key, group.get(key)) for key in ("minSize", "desiredCapacity", "maxSize"))
        wrong = [key for key, value in sizes.items() if not _is_int(value) or value < 0]
        for key in wrong:
            errors.append(
                "{0} must be a whole number >= 0, got {1!r}".format(_nodegroup_where(index, key), sizes[key])
            )
        if not wrong:
            if not sizes["minSize"] <= sizes["desiredCapacity"] <= sizes["maxSize"]:
                errors.append(
                    "{0} must satisfy min_size <= desired_size <= max_size, got {1} <= {2} <= {3}".format(
                        "eks_nodegroups[{0}] (managedNodeGroups[{0}])".format(index),
                        sizes["minSize"],
                        sizes["desiredCapacity"],
                        sizes["maxSize"],
                    )
                )
            if sizes["maxSize"] < 1:
                errors.append("{0} must be at least 1".format(_nodegroup_where(index, "maxSize")))
        volume = group.get("volumeSize")
        if not _is_int(volume) or not 1 <= volume <= 16384:
            errors.append(
                "{0} must be 1-16384 (GiB), got {1!r}".format(_nodegroup_where(index, "volumeSize"), volume)
            )
        subnets = group.get("subnets")
        if not isinstance(subnets, list) or not subnets or not set(subnets) <= private_ids:
            errors.append(
                "{0} must be private subnets of the cluster's VPC ({1}), got {2!r}".format(
                    _nodegroup_where(index, "subnets"), ", ".join(sorted(private_ids)), subnets
                )
            )
        labels = group.get("labels")
        if not isinstance(labels, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in labels.items()
        ):
            errors.append(
                "{0} must map strings to strings, got {1!r}".format(_nodegroup_where(index, "labels"), labels)
            )
    return errors


# --- versions and support -------------------------------------------------------------------------


def version_key(version):
    return tuple(int(part) for part in version.split("."))


def _date(text):
    return datetime.datetime.strptime(text, "%Y-%m-%d").date()


def support_period(version, today=None):
    """Which support period version is in on today, its dates and its price.

    Returns {version, period (standard|extended|ended), end_of_standard, end_of_extended,
    price_per_hour, price_per_month, message}.
    """
    if today is None:
        today = datetime.datetime.now(datetime.timezone.utc).date()
    dates = EKS_VERSIONS[version]
    end_of_standard, end_of_extended = _date(dates["end_of_standard"]), _date(dates["end_of_extended"])
    if today < end_of_standard:
        period = "standard"
    elif today < end_of_extended:
        period = "extended"
    else:
        period = "ended"
    price = PRICE_PER_CLUSTER_HOUR["extended" if period != "standard" else "standard"]
    monthly = round(price * HOURS_PER_MONTH, 2)
    extra = round(
        (PRICE_PER_CLUSTER_HOUR["extended"] - PRICE_PER_CLUSTER_HOUR["standard"]) * HOURS_PER_MONTH, 2
    )
    if period == "standard":
        message = (
            "EKS {0} is in standard support until {1}: the control plane costs ${2:.2f} per cluster-hour "
            "(about ${3:.0f} a month). From {1} it is in extended support at ${4:.2f} per hour, "
            "about ${5:.0f} a month more, until {6}."
        ).format(
            version,
            dates["end_of_standard"],
            price,
            monthly,
            PRICE_PER_CLUSTER_HOUR["extended"],
            extra,
            dates["end_of_extended"],
        )
    elif period == "extended":
        message = (
            "EKS {0} left standard support on {1} and is in extended support until {2}, then AWS upgrades it "
            "automatically: the control plane costs ${3:.2f} per cluster-hour instead of ${4:.2f} "
            "(about ${5:.0f} a month, ${6:.0f} more than a version in standard support)."
        ).format(
            version,
            dates["end_of_standard"],
            dates["end_of_extended"],
            price,
            PRICE_PER_CLUSTER_HOUR["standard"],
            monthly,
            extra,
        )
    else:
        message = (
            "EKS {0} is past the end of extended support ({1}): AWS upgrades such clusters automatically; "
            "choose a newer eks_cluster_version."
        ).format(version, dates["end_of_extended"])
    return {
        "version": version,
        "period": period,
        "end_of_standard": dates["end_of_standard"],
        "end_of_extended": dates["end_of_extended"],
        "price_per_hour": price,
        "price_per_month": monthly,
        "message": message,
    }


def upgrade_steps(current, desired):
    """The minor versions a cluster passes through from current to desired (EKS upgrades one at a time).

    Returns [] when equal; raises ValueError for a downgrade.
    """
    have, want = version_key(current), version_key(desired)
    if want < have:
        raise ValueError("EKS cannot downgrade a cluster from {0} to {1}".format(current, desired))
    return ["{0}.{1}".format(want[0], minor) for minor in range(have[1] + 1, want[1] + 1)]


# --- the EKS API requests the api engine derives from the ClusterConfig ---------------------------


def cluster_request(config, role_arn):
    """CreateCluster parameters for the ClusterConfig (the cluster's IAM role made by the caller)."""
    vpc = config["vpc"]
    subnet_ids = [s["id"] for s in vpc["subnets"]["private"].values()]
    subnet_ids += [s["id"] for s in (vpc["subnets"].get("public") or {}).values()]
    enabled = config["cloudWatch"]["clusterLogging"]["enableTypes"]
    return {
        "name": config["metadata"]["name"],
        "version": config["metadata"]["version"],
        "roleArn": role_arn,
        "resourcesVpcConfig": {
            "subnetIds": subnet_ids,
            "endpointPublicAccess": vpc["clusterEndpoints"]["publicAccess"],
            "endpointPrivateAccess": vpc["clusterEndpoints"]["privateAccess"],
        },
        "logging": cluster_logging(enabled),
        "upgradePolicy": {"supportType": config["upgradePolicy"]["supportType"]},
        "tags": dict(config["metadata"]["tags"]),
    }


def cluster_logging(enabled):
    """The logging parameter of CreateCluster/UpdateClusterConfig: every type, enabled or not."""
    disabled = [log_type for log_type in LOG_TYPES if log_type not in enabled]
    setups = [{"types": list(enabled), "enabled": True}]
    if disabled:
        setups.append({"types": disabled, "enabled": False})
    return {"clusterLogging": [setup for setup in setups if setup["types"]]}


def enabled_log_types(logging):
    """The enabled log types of a DescribeCluster logging block, sorted."""
    enabled = set()
    for setup in (logging or {}).get("clusterLogging", []):
        if setup.get("enabled"):
            enabled.update(setup.get("types", []))
    return sorted(enabled)


AMI_TYPES = {
    "AmazonLinux2023": "AL2023_x86_64_STANDARD",
    "AmazonLinux2": "AL2_x86_64",
    "Bottlerocket": "BOTTLEROCKET_x86_64",
}


def nodegroup_request(config, group, node_role_arn):
    """CreateNodegroup parameters for one managedNodeGroups entry."""
    return {
        "clusterName": config["metadata"]["name"],
        "nodegroupName": group["name"],
        "scalingConfig": scaling_config(group),
        "diskSize": group["volumeSize"],
        "subnets": list(group["subnets"]),
        "instanceTypes": [group["instanceType"]],
        "amiType": AMI_TYPES[group["amiFamily"]],
        "nodeRole": node_role_arn,
        "labels": dict(group["labels"]),
        "tags": dict(group["tags"]),
        "capacityType": "ON_DEMAND",
        "version": config["metadata"]["version"],
    }


def scaling_config(group):
    return {"minSize": group["minSize"], "maxSize": group["maxSize"], "desiredSize": group["desiredCapacity"]}


def oidc_provider_url(issuer):
    """The IAM OIDC provider URL of a cluster issuer (IAM stores it without https://)."""
    return issuer.split("://", 1)[-1].rstrip("/")


# --- the eksctl engine: what to run, from what eksctl reports -------------------------------------


def eksctl_plan(config, config_path, clusters, nodegroups):
    """The eksctl commands (argv lists, without the binary) that bring the cluster to the ClusterConfig.

    clusters: what `eksctl get cluster --name N --region R -o json` printed, parsed ([] when absent);
    nodegroups: what `eksctl get nodegroup --cluster N --region R -o json` printed, parsed.
    An empty plan means nothing to do. Node groups eksctl reports but the ClusterConfig does not name
    are left alone, as eksctl does without --only-missing deletion.
    """
    name = config["metadata"]["name"]
    region = config["metadata"]["region"]
    version = config["metadata"]["version"]
    where = ["--region", region]
    if not clusters:
        return [["create", "cluster", "--config-file", config_path]]
    plan = []
    current_version = clusters[0].get("Version")
    for step in upgrade_steps(current_version, version):
        plan.append(["upgrade", "cluster", "--name", name, *where, "--version", step, "--approve"])
    existing = dict((group.get("Name"), group) for group in nodegroups or [])
    missing = [group["name"] for group in config["managedNodeGroups"] if group["name"] not in existing]
    if missing:
        plan.append(["create", "nodegroup", "--config-file", config_path, "--include", ",".join(missing)])
    for group in config["managedNodeGroups"]:
        current = existing.get(group["name"])
        if current is None:
            continue
        sizes = (current.get("DesiredCapacity"), current.get("MinSize"), current.get("MaxSize"))
        if sizes != (group["desiredCapacity"], group["minSize"], group["maxSize"]):
            sizes = ["--nodes", str(group["desiredCapacity"])]
            sizes += ["--nodes-min", str(group["minSize"]), "--nodes-max", str(group["maxSize"])]
            plan.append(["scale", "nodegroup", "--cluster", name, *where, "--name", group["name"], *sizes])
        if current.get("Version") and current.get("Version") != version:
            upgrade = ["--name", group["name"], "--kubernetes-version", version]
            plan.append(["upgrade", "nodegroup", "--cluster", name, *where, *upgrade])
    return plan


def eksctl_cluster_facts(cluster):
    """The facts the eks role publishes, from one cluster of `eksctl get cluster -o json`."""
    arn = cluster.get("Arn") or ""
    issuer = ((cluster.get("Identity") or {}).get("Oidc") or {}).get("Issuer") or ""
    parts = arn.split(":")
    provider_arn = ""
    if issuer and len(parts) > 4:
        provider_arn = "arn:{0}:iam::{1}:oidc-provider/{2}".format(
            parts[1], parts[4], oidc_provider_url(issuer)
        )
    return {
        "arn": arn,
        "endpoint": cluster.get("Endpoint") or "",
        "certificate_authority_data": (cluster.get("CertificateAuthority") or {}).get("Data") or "",
        "version": cluster.get("Version") or "",
        "oidc_issuer_url": issuer,
        "oidc_provider_arn": provider_arn,
    }
