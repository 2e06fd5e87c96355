"""CloudFront in the sandbox keeps origin access control and enforces ETags and deletion rules as AWS does."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"


@pytest.fixture
def cloudfront(aws_endpoint: str):
    return boto3.client(
        "cloudfront",
        endpoint_url=aws_endpoint,
        region_name="us-east-1",
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",
    )


def _oac(cloudfront, name: str) -> str:
    return cloudfront.create_origin_access_control(
        OriginAccessControlConfig={
            "Name": name,
            "Description": "fidelity",
            "SigningProtocol": "sigv4",
            "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3",
        }
    )["OriginAccessControl"]["Id"]


def _config(reference: str, oac_id: str, enabled: bool = True) -> dict:
    return {
        "CallerReference": reference,
        "Comment": reference,
        "Enabled": enabled,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "assets",
                    "DomainName": "fidelity-assets.s3.us-east-1.amazonaws.com",
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                    "OriginAccessControlId": oac_id,
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "assets",
            "ViewerProtocolPolicy": "redirect-to-https",
            "CachePolicyId": CACHING_OPTIMIZED,
        },
    }


def _create(cloudfront, reference: str, oac_id: str) -> tuple[str, str]:
    created = cloudfront.create_distribution_with_tags(
        DistributionConfigWithTags={
            "DistributionConfig": _config(reference, oac_id),
            "Tags": {"Items": [{"Key": "Project", "Value": "fidelity-cloudfront"}]},
        }
    )
    return created["Distribution"]["Id"], created["ETag"]


def test_origin_keeps_its_origin_access_control(cloudfront) -> None:
    oac_id = _oac(cloudfront, "fid-keep")
    dist_id, _ = _create(cloudfront, "fid-keep", oac_id)
    [origin] = cloudfront.get_distribution_config(Id=dist_id)["DistributionConfig"]["Origins"]["Items"]
    assert origin["OriginAccessControlId"] == oac_id
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}


def test_update_needs_the_current_etag_and_changes_it(cloudfront) -> None:
    dist_id, etag = _create(cloudfront, "fid-etag", _oac(cloudfront, "fid-etag"))
    config = cloudfront.get_distribution_config(Id=dist_id)["DistributionConfig"]
    config["PriceClass"] = "PriceClass_100"
    with pytest.raises(ClientError, match="PreconditionFailed"):
        cloudfront.update_distribution(Id=dist_id, IfMatch="stale", DistributionConfig=config)
    updated = cloudfront.update_distribution(Id=dist_id, IfMatch=etag, DistributionConfig=config)
    assert updated["ETag"] != etag
    assert updated["Distribution"]["Status"] == "InProgress"
    assert updated["Distribution"]["DistributionConfig"]["PriceClass"] == "PriceClass_100"


def test_only_a_disabled_deployed_distribution_is_deleted_and_then_its_oac(cloudfront) -> None:
    oac_id = _oac(cloudfront, "fid-delete")
    dist_id, etag = _create(cloudfront, "fid-delete", oac_id)
    with pytest.raises(ClientError, match="DistributionNotDisabled"):
        cloudfront.delete_distribution(Id=dist_id, IfMatch=etag)
    with pytest.raises(ClientError, match="OriginAccessControlInUse"):
        cloudfront.delete_origin_access_control(Id=oac_id, IfMatch="any")
    config = cloudfront.get_distribution_config(Id=dist_id)["DistributionConfig"]
    config["Enabled"] = False
    etag = cloudfront.update_distribution(Id=dist_id, IfMatch=etag, DistributionConfig=config)["ETag"]
    assert cloudfront.get_distribution(Id=dist_id)["Distribution"]["Status"] == "Deployed"
    cloudfront.delete_distribution(Id=dist_id, IfMatch=etag)
    with pytest.raises(ClientError, match="NoSuchDistribution"):
        cloudfront.get_distribution(Id=dist_id)
    cloudfront.delete_origin_access_control(Id=oac_id, IfMatch="any")
    with pytest.raises(ClientError, match="NoSuchOriginAccessControl"):
        cloudfront.get_origin_access_control(Id=oac_id)


def test_tagging_api_lists_distributions_and_assets_buckets(aws_endpoint: str, cloudfront) -> None:
    dist_id, _ = _create(cloudfront, "fid-sweep", _oac(cloudfront, "fid-sweep"))
    s3 = boto3.client(
        "s3",
        endpoint_url=aws_endpoint,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    s3.create_bucket(Bucket="fid-sweep-assets")
    s3.put_bucket_tagging(
        Bucket="fid-sweep-assets", Tagging={"TagSet": [{"Key": "Project", "Value": "fidelity-cloudfront"}]}
    )
    tagging = boto3.client(
        "resourcegroupstaggingapi",
        endpoint_url=aws_endpoint,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    found = tagging.get_resources(TagFilters=[{"Key": "Project", "Values": ["fidelity-cloudfront"]}])[
        "ResourceTagMappingList"
    ]
    arns = {m["ResourceARN"] for m in found}
    assert f"arn:aws:cloudfront::123456789012:distribution/{dist_id}" in arns
    assert "arn:aws:s3:::fid-sweep-assets" in arns
