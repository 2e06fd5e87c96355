"""The pure helpers behind tagged_resources_info."""

import pytest
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.tagged_resources import (
    resource_type_of,
    service_of,
    tag_filters,
    tags_match,
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
