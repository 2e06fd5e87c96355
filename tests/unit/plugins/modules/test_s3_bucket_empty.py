"""s3_bucket_empty deletes every version by its VersionId, "null" included, so the bucket can go.

moto (mock_aws, in-process) reproduces what AWS does when VersionId "null" is dropped (a delete marker
is added and DeleteBucket fails with BucketNotEmpty), so the test shows both.
"""

import pytest
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.s3_versions import (
    delete_batches,
    object_versions,
)
from ansible_collections.ecommerce_demo.platform.plugins.modules import s3_bucket_empty as empty_module
from botocore.exceptions import ClientError

REGION = "us-east-1"
BUCKET = "ecommerce-demo-tfstate-123456789012-us-east-1"


@pytest.fixture
def s3(moto_client):
    client = moto_client("s3")
    client.create_bucket(Bucket=BUCKET)
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    client.put_object(Bucket=BUCKET, Key="network/terraform.tfstate", Body=b"1")
    client.put_object(Bucket=BUCKET, Key="network/terraform.tfstate", Body=b"2")
    client.delete_object(Bucket=BUCKET, Key="network/terraform.tfstate")  # a delete marker
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    client.put_object(Bucket=BUCKET, Key="eks/terraform.tfstate", Body=b"3")  # the "null" version
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return client


def counts(s3):
    listed = s3.list_object_versions(Bucket=BUCKET)
    return len(listed.get("Versions", [])), len(listed.get("DeleteMarkers", []))


def test_dropping_version_id_null_leaves_the_bucket_not_empty(s3):
    """What upstream s3_bucket force=true does: the reason this module exists."""
    listed = s3.list_object_versions(Bucket=BUCKET)
    objects = [
        {"Key": v["Key"], **({"VersionId": v["VersionId"]} if v["VersionId"] != "null" else {})}
        for v in listed["Versions"] + listed["DeleteMarkers"]
    ]
    s3.delete_objects(Bucket=BUCKET, Delete={"Objects": objects})
    with pytest.raises(ClientError, match="BucketNotEmpty"):
        s3.delete_bucket(Bucket=BUCKET)


def test_check_mode_counts_and_deletes_nothing(s3, run_module):
    result = run_module(empty_module, check_mode=True, diff=True, name=BUCKET)
    assert result["changed"] is True
    assert (result["versions"], result["delete_markers"]) == (3, 1)
    assert result["diff"] == {
        "before": {"versions": 3, "delete_markers": 1},
        "after": {"versions": 0, "delete_markers": 0},
    }
    assert counts(s3) == (3, 1)


def test_empties_every_version_then_the_bucket_can_go(s3, run_module):
    result = run_module(empty_module, name=BUCKET)
    assert (result["changed"], result["versions"], result["delete_markers"]) == (True, 3, 1)
    assert counts(s3) == (0, 0)
    again = run_module(empty_module, name=BUCKET)
    assert (again["changed"], again["versions"], again["delete_markers"]) == (False, 0, 0)
    s3.delete_bucket(Bucket=BUCKET)


def test_missing_bucket_is_already_empty(s3, run_module):
    result = run_module(empty_module, name="no-such-bucket-here")
    assert (result["changed"], result["versions"], result["delete_markers"]) == (False, 0, 0)


def test_pure_helpers_keep_version_id_null_and_batch_by_1000():
    pages = [
        {"Versions": [{"Key": "a", "VersionId": "null", "Size": 1}], "DeleteMarkers": []},
        {"DeleteMarkers": [{"Key": "a", "VersionId": "x"}]},
    ]
    assert object_versions(pages) == ([{"Key": "a", "VersionId": "null"}], [{"Key": "a", "VersionId": "x"}])
    batches = delete_batches([{"Key": str(i), "VersionId": "null"} for i in range(2001)])
    assert [len(b["Objects"]) for b in batches] == [1000, 1000, 1]
    assert all(b["Quiet"] for b in batches)


def test_a_version_that_cannot_be_deleted_fails_and_is_named(stubbed_client, run_module):
    s3 = stubbed_client("s3")
    s3.add_response(
        "list_object_versions",
        {"Versions": [{"Key": "locked", "VersionId": "null"}], "IsTruncated": False},
        {"Bucket": BUCKET},
    )
    s3.add_response(
        "delete_objects",
        {
            "Errors": [
                {"Key": "locked", "VersionId": "null", "Code": "AccessDenied", "Message": "Object Lock"}
            ]
        },
        {"Bucket": BUCKET, "Delete": {"Objects": [{"Key": "locked", "VersionId": "null"}], "Quiet": True}},
    )
    result = run_module(empty_module, name=BUCKET)
    assert result["failed"] is True
    assert "locked@null (AccessDenied)" in result["msg"]
