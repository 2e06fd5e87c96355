# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure helpers for finding a project's resources by tag and by name; no AWS calls, unit-tested in tests/unit.

The sweep (tagged_resources_info) finds resources two ways and merges them by ARN:

- by tag: every resource that carries all the wanted tags;
- by name: every resource of a listed type whose name is one the project derives (``{type, name}`` or
  ``{type, name_prefix}`` entries), tagged or not, unless its own tags show that it belongs to someone
  else (it carries one of the wanted tag keys with another value: another environment of the project).

NAME_SOURCES says, per resource type, how to list the resources of that type: which client and paginator,
where the names and ARNs are in the answer. The same listing confirms that a resource the Resource Groups
Tagging API reports still exists (that API keeps answering with deleted resources for a while). A later
phase makes the sweep see a new type by adding a row here (when the type is new) and its derived names as
data in playbooks/teardown/vars/sweep.yml; see docs/teardown-sweep.md.
"""

from __future__ import annotations

import re

# Types listed by IAM, not by the Resource Groups Tagging API (IAM is global).
IAM_TYPES = ("iam:role", "iam:policy", "iam:oidc-provider")

# How to list the resources of a type, for the name search and for confirming that a resource exists.
#   client, paginator, items: the boto3 client, its paginator, and the key of the list in the answer;
#   name / arn: keys of each item (name None: the items are the names themselves);
#   arn_format: builds the ARN when the listing does not return it ({partition} {region} {account} {name}).
NAME_SOURCES = {
    "ecr:repository": {
        "client": "ecr",
        "paginator": "describe_repositories",
        "items": "repositories",
        "name": "repositoryName",
        "arn": "repositoryArn",
    },
    "s3:bucket": {
        "client": "s3",
        "paginator": "list_buckets",
        "items": "Buckets",
        "name": "Name",
        "arn_format": "arn:{partition}:s3:::{name}",
    },
    "dynamodb:table": {
        "client": "dynamodb",
        "paginator": "list_tables",
        "items": "TableNames",
        "name": None,
        "arn_format": "arn:{partition}:dynamodb:{region}:{account}:table/{name}",
    },
    "secretsmanager:secret": {
        "client": "secretsmanager",
        "paginator": "list_secrets",
        "items": "SecretList",
        "name": "Name",
        "arn": "ARN",
    },
    "logs:log-group": {
        "client": "logs",
        "paginator": "describe_log_groups",
        "items": "logGroups",
        "name": "logGroupName",
        "arn_format": "arn:{partition}:logs:{region}:{account}:log-group:{name}",
    },
    # The services phase's cache: the replication group, its member clusters and its subnet group.
    "elasticache:cluster": {
        "client": "elasticache",
        "paginator": "describe_cache_clusters",
        "items": "CacheClusters",
        "name": "CacheClusterId",
        "arn": "ARN",
    },
    "elasticache:replicationgroup": {
        "client": "elasticache",
        "paginator": "describe_replication_groups",
        "items": "ReplicationGroups",
        "name": "ReplicationGroupId",
        "arn": "ARN",
    },
    "elasticache:subnetgroup": {
        "client": "elasticache",
        "paginator": "describe_cache_subnet_groups",
        "items": "CacheSubnetGroups",
        "name": "CacheSubnetGroupName",
        "arn": "ARN",
    },
    # What the AWS Load Balancer Controller makes for the cluster's Ingresses (tagged elbv2.k8s.aws/cluster,
    # found through the module's also_tagged), and security groups in general.
    "elasticloadbalancing:loadbalancer": {
        "client": "elbv2",
        "paginator": "describe_load_balancers",
        "items": "LoadBalancers",
        "name": "LoadBalancerName",
        "arn": "LoadBalancerArn",
    },
    "elasticloadbalancing:targetgroup": {
        "client": "elbv2",
        "paginator": "describe_target_groups",
        "items": "TargetGroups",
        "name": "TargetGroupName",
        "arn": "TargetGroupArn",
    },
    "ec2:security-group": {
        "client": "ec2",
        "paginator": "describe_security_groups",
        "items": "SecurityGroups",
        "name": "GroupName",
        "arn": "SecurityGroupArn",
    },
    "eks:cluster": {
        "client": "eks",
        "paginator": "list_clusters",
        "items": "clusters",
        "name": None,
        "arn_format": "arn:{partition}:eks:{region}:{account}:cluster/{name}",
    },
}

NAME_TYPES = tuple(sorted([*NAME_SOURCES, "iam:policy", "iam:role"]))


def tag_filters(tags):
    """Resource Groups Tagging API TagFilters that match every key=value of ``tags``."""
    return [{"Key": key, "Values": [value]} for key, value in sorted(tags.items())]


def tags_match(resource_tags, wanted):
    """True when ``resource_tags`` carries every key=value of ``wanted`` (extra tags allowed)."""
    return all(resource_tags.get(key) == value for key, value in wanted.items())


def owned_by_others(resource_tags, wanted):
    """True when the tags show the resource belongs to someone else: a wanted key with another value.

    An untagged resource, or one that lacks some wanted keys, may be ours (left between its creation and
    its tagging), so it is not somebody else's.
    """
    return any(key in resource_tags and resource_tags[key] != value for key, value in wanted.items())


def service_of(arn):
    """The service part of an ARN (``arn:aws:ecr:...`` -> ``ecr``)."""
    parts = arn.split(":", 5)
    return parts[2] if len(parts) > 2 else ""


def resource_type_of(arn):
    """``service:type`` of an ARN, the form the Resource Groups Tagging API uses (``ecr:repository``)."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return service_of(arn)
    service, resource = parts[2], parts[5]
    if service == "s3":
        return "s3:object" if "/" in resource else "s3:bucket"
    # The type is the resource part up to its first separator: "repository/x", "db:name", "log-group:/x".
    kind = re.split(r"[:/]", resource, maxsplit=1)[0] if re.search(r"[:/]", resource) else ""
    return f"{service}:{kind}" if kind else service


def name_of(arn):
    """The resource's name in its ARN: what follows the type (``repository/a/b`` -> ``a/b``)."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return ""
    resource = parts[5]
    if parts[2] == "s3":
        return resource
    if parts[2] == "logs":
        return normalize_arn(arn).split(":", 6)[6] if resource.startswith("log-group:") else resource
    parts = re.split(r"[:/]", resource, maxsplit=1)
    name = parts[1] if len(parts) > 1 else parts[0]
    if parts[0] in ("role", "policy") and service_of(arn) == "iam":
        return name.rsplit("/", 1)[-1]  # IAM names carry no path
    return name


def normalize_arn(arn):
    """One ARN per resource: CloudWatch Logs answers a log group's ARN with and without a trailing ``:*``."""
    return arn[:-2] if arn.endswith(":*") and service_of(arn) == "logs" else arn


def type_selected(resource_type, filters):
    """True when ``resource_type`` passes the Resource Groups Tagging API style ``filters``.

    No filter selects every type; ``ecr`` selects every ECR type; ``ecr:repository`` selects that type.
    """
    if not filters:
        return True
    return any(f == resource_type or f == resource_type.split(":", 1)[0] for f in filters)


def validate_names(entries):
    """Problems with the ``names`` option, as messages (empty when it is fine)."""
    problems = []
    for index, entry in enumerate(entries):
        kind = entry.get("type")
        if kind not in NAME_TYPES:
            problems.append(f"names[{index}]: type {kind!r} is not one of {', '.join(NAME_TYPES)}")
        if bool(entry.get("name")) == bool(entry.get("name_prefix")):
            problems.append(f"names[{index}]: give exactly one of name and name_prefix")
    return problems


def name_matches(resource_type, name, entries):
    """True when an entry of that type names ``name`` exactly or by prefix."""
    for entry in entries:
        if entry["type"] != resource_type:
            continue
        if entry.get("name") and name == entry["name"]:
            return True
        if entry.get("name_prefix") and name.startswith(entry["name_prefix"]):
            return True
    return False


def listed_resources(source, pages, partition, region, account):
    """``(name, arn)`` of every resource in the pages of a NAME_SOURCES listing."""
    found = []
    for page in pages:
        for item in page.get(source["items"], []):
            name = item if source["name"] is None else item[source["name"]]
            if source.get("arn"):
                arn = item[source["arn"]]
            else:
                arn = source["arn_format"].format(
                    partition=partition, region=region, account=account, name=name
                )
            found.append((name, normalize_arn(arn)))
    return found


def sweep_result(arn, tags, found_by=("tag",), verified=True):
    return {
        "arn": arn,
        "name": name_of(arn),
        "service": service_of(arn),
        "resource_type": resource_type_of(arn),
        "tags": tags,
        "found_by": sorted(found_by),
        "verified": verified,
    }


class Findings:
    """Results merged by ARN: one entry per resource, however many ways it was found."""

    def __init__(self):
        self._by_arn = {}

    def add(self, arn, tags, how, verified=True):
        arn = normalize_arn(arn)
        known = self._by_arn.get(arn)
        if known is None:
            self._by_arn[arn] = sweep_result(arn, tags, (how,), verified)
            return
        known["found_by"] = sorted(set(known["found_by"]) | {how})
        known["tags"] = {**known["tags"], **tags}
        known["verified"] = known["verified"] or verified

    def results(self):
        return [self._by_arn[arn] for arn in sorted(self._by_arn)]
