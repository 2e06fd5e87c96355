"""The pure logic behind ecr_repository: no AWS, no client."""

import pytest
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.ecr import (
    encryption_conflict,
    lifecycle_policy_change,
    predicted_state,
    settings_from_aws,
    state_of,
    tags_change,
)

POLICY = {"rules": [{"rulePriority": 1, "selection": {"countNumber": 7}, "action": {"type": "expire"}}]}


def test_settings_from_aws_fills_what_aws_leaves_out():
    assert settings_from_aws({"repositoryName": "x"}) == {
        "image_tag_mutability": "MUTABLE",
        "scan_on_push": False,
        "encryption_type": "AES256",
        "kms_key": None,
    }


@pytest.mark.parametrize(
    ("current", "desired", "expected"),
    [
        (None, None, None),
        (POLICY, None, None),
        (None, POLICY, "put"),
        (
            POLICY,
            {"rules": [{"action": {"type": "expire"}, "selection": {"countNumber": 7}, "rulePriority": 1}]},
            None,
        ),
        (POLICY, {"rules": []}, "put"),
        (POLICY, {}, "delete"),
        (None, {}, None),
    ],
)
def test_lifecycle_policy_change(current, desired, expected):
    assert lifecycle_policy_change(current, desired) == expected


def test_tags_change_keeps_aws_tags_and_honours_purge():
    assert tags_change({"a": "1", "aws:x": "y"}, {"b": "2"}, True) == ({"b": "2"}, ["a"])
    assert tags_change({"a": "1"}, {"b": "2"}, False) == ({"b": "2"}, [])
    assert tags_change({"a": "1"}, None, True) == ({}, [])


def test_encryption_conflict_only_for_an_existing_repository_with_another_encryption():
    aes = settings_from_aws({})
    assert encryption_conflict(aes, "AES256", None) is None
    assert encryption_conflict(aes, None, None) is None
    assert encryption_conflict(None, "KMS", "arn:k") is None
    assert "Cannot modify repository encryption type" in encryption_conflict(aes, "KMS", "arn:k")


def test_predicted_state_of_a_new_repository_starts_from_the_aws_defaults():
    params = {"tags": {"Project": "p", "Count": 3}, "purge_tags": True, "lifecycle_policy": POLICY}
    assert predicted_state({}, params) == {
        "image_tag_mutability": "MUTABLE",
        "scan_on_push": False,
        "encryption_type": "AES256",
        "lifecycle_policy": POLICY,
        "tags": {"Count": "3", "Project": "p"},
    }


def test_predicted_state_of_an_existing_repository_changes_only_what_is_managed():
    current = state_of(settings_from_aws({"imageTagMutability": "IMMUTABLE"}), POLICY, {"Other": "x"})
    params = {
        "image_tag_mutability": "mutable",
        "scan_on_push": None,
        "tags": {"P": "1"},
        "purge_tags": False,
    }
    predicted = predicted_state(current, params)
    assert predicted["image_tag_mutability"] == "MUTABLE"
    assert predicted["lifecycle_policy"] == POLICY
    assert predicted["tags"] == {"Other": "x", "P": "1"}
