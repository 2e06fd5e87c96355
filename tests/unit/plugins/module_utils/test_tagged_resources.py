"""The pure helpers behind tagged_resources_info."""

import pytest
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import (
    NAME_SOURCES,
    Findings,
    listed_resources,
    name_matches,
    name_of,
    owned_by_others,
    resource_type_of,
    service_of,
    tag_filters,
    tags_match,
    type_selected,
    validate_names,
)

WANTED = {"Project": "ecommerce-demo", "Environment": "sandbox"}


def test_tag_filters_match_every_tag_in_a_stable_order():
    assert tag_filters(WANTED) == [
        {"Key": "Environment", "Values": ["sandbox"]},
        {"Key": "Project", "Values": ["ecommerce-demo"]},
    ]


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"Project": "ecommerce-demo", "Environment": "sandbox", "ManagedBy": "ansible"}, True),
        ({"Project": "ecommerce-demo", "Environment": "demo"}, False),
        ({"Project": "ecommerce-demo"}, False),
        ({}, False),
    ],
)
def test_tags_match_needs_every_wanted_tag(tags, expected):
    assert tags_match(tags, WANTED) is expected


@pytest.mark.parametrize(
    ("arn", "service", "resource_type"),
    [
        ("arn:aws:ecr:us-east-1:123456789012:repository/ecommerce-demo/backend", "ecr", "ecr:repository"),
        ("arn:aws:s3:::ecommerce-demo-tfstate", "s3", "s3:bucket"),
        ("arn:aws:dynamodb:us-east-1:123456789012:table/locks", "dynamodb", "dynamodb:table"),
        ("arn:aws:iam::123456789012:role/github-actions-role", "iam", "iam:role"),
        (
            "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
            "iam",
            "iam:oidc-provider",
        ),
        ("arn:aws:rds:us-east-1:123456789012:db:ecommerce-demo", "rds", "rds:db"),
        ("arn:aws:logs:us-east-1:123456789012:log-group:/eks/app", "logs", "logs:log-group"),
    ],
)
def test_arn_service_and_type(arn, service, resource_type):
    assert service_of(arn) == service
    assert resource_type_of(arn) == resource_type


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({}, False),  # untagged: may be ours, left between creation and tagging
        ({"Project": "ecommerce-demo"}, False),
        ({"Owner": "someone"}, False),
        ({"Project": "ecommerce-demo", "Environment": "staging"}, True),  # another environment's
        ({"Project": "another"}, True),
    ],
)
def test_owned_by_others_only_when_the_tags_say_so(tags, expected):
    assert owned_by_others(tags, WANTED) is expected


@pytest.mark.parametrize(
    ("arn", "name"),
    [
        ("arn:aws:ecr:us-east-1:123456789012:repository/ecommerce-demo/backend", "ecommerce-demo/backend"),
        ("arn:aws:s3:::ecommerce-demo-tfstate", "ecommerce-demo-tfstate"),
        ("arn:aws:iam::123456789012:role/service/ecommerce-demo-x", "ecommerce-demo-x"),
        ("arn:aws:logs:us-east-1:123456789012:log-group:/eks/app:*", "/eks/app"),
        ("arn:aws:rds:us-east-1:123456789012:db:ecommerce-demo", "ecommerce-demo"),
    ],
)
def test_name_of(arn, name):
    assert name_of(arn) == name


@pytest.mark.parametrize(
    ("filters", "expected"),
    [([], True), (["iam"], True), (["iam:role"], True), (["iam:policy"], False), (["ecr", "s3"], False)],
)
def test_type_selected_like_the_tagging_api(filters, expected):
    assert type_selected("iam:role", filters) is expected


def test_name_matches_exact_or_prefix_of_its_own_type():
    entries = [
        {"type": "ecr:repository", "name_prefix": "ecommerce-demo/"},
        {"type": "dynamodb:table", "name": "ecommerce-demo-tfstate-locks"},
    ]
    assert name_matches("ecr:repository", "ecommerce-demo/worker", entries)
    assert not name_matches("ecr:repository", "ecommerce-demo-worker", entries)
    assert not name_matches("s3:bucket", "ecommerce-demo/worker", entries)
    assert name_matches("dynamodb:table", "ecommerce-demo-tfstate-locks", entries)
    assert not name_matches("dynamodb:table", "ecommerce-demo-tfstate-locks-2", entries)


def test_validate_names():
    assert validate_names([{"type": "s3:bucket", "name": "x"}]) == []
    assert validate_names([{"type": "ec2:vpc", "name": "x"}, {"type": "s3:bucket"}]) == [
        "names[0]: type 'ec2:vpc' is not one of dynamodb:table, ec2:security-group, ecr:repository, "
        "eks:cluster, elasticache:cluster, elasticache:replicationgroup, elasticache:subnetgroup, "
        "elasticloadbalancing:loadbalancer, elasticloadbalancing:targetgroup, iam:policy, "
        "iam:role, logs:log-group, s3:bucket, secretsmanager:secret",
        "names[1]: give exactly one of name and name_prefix",
    ]


def test_listed_resources_builds_arns_the_listing_omits():
    pages = [{"TableNames": ["a"]}, {"TableNames": ["b"]}]
    assert listed_resources(NAME_SOURCES["dynamodb:table"], pages, "aws-cn", "cn-north-1", "1") == [
        ("a", "arn:aws-cn:dynamodb:cn-north-1:1:table/a"),
        ("b", "arn:aws-cn:dynamodb:cn-north-1:1:table/b"),
    ]
    repositories = [
        {"repositories": [{"repositoryName": "r", "repositoryArn": "arn:aws:ecr:x:1:repository/r"}]}
    ]
    assert listed_resources(NAME_SOURCES["ecr:repository"], repositories, "aws", "x", "1") == [
        ("r", "arn:aws:ecr:x:1:repository/r")
    ]
    groups = [
        {
            "ReplicationGroups": [
                {"ReplicationGroupId": "g", "ARN": "arn:aws:elasticache:x:1:replicationgroup:g"}
            ]
        }
    ]
    assert listed_resources(NAME_SOURCES["elasticache:replicationgroup"], groups, "aws", "x", "1") == [
        ("g", "arn:aws:elasticache:x:1:replicationgroup:g")
    ]


def test_findings_are_one_per_arn():
    findings = Findings()
    findings.add("arn:aws:logs:r:1:log-group:/x:*", {"Project": "p"}, "tag")
    findings.add("arn:aws:logs:r:1:log-group:/x", {}, "name")
    findings.add("arn:aws:s3:::b", {}, "name", verified=False)
    assert findings.results() == [
        {
            "arn": "arn:aws:logs:r:1:log-group:/x",
            "name": "/x",
            "service": "logs",
            "resource_type": "logs:log-group",
            "tags": {"Project": "p"},
            "found_by": ["name", "tag"],
            "verified": True,
        },
        {
            "arn": "arn:aws:s3:::b",
            "name": "b",
            "service": "s3",
            "resource_type": "s3:bucket",
            "tags": {},
            "found_by": ["name"],
            "verified": False,
        },
    ]
