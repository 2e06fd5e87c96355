"""Read the distribution, its origin access control and the assets bucket back for verify.yml (JSON)."""

import argparse
import json

import boto3
from botocore.exceptions import ClientError


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--comment", required=True)
    parser.add_argument("--bucket", required=True)
    args = parser.parse_args()

    session = boto3.session.Session(region_name=args.region)
    cloudfront = session.client("cloudfront", endpoint_url=args.endpoint_url)
    s3 = session.client("s3", endpoint_url=args.endpoint_url)
    summaries = cloudfront.list_distributions()["DistributionList"].get("Items", [])
    [summary] = [s for s in summaries if s["Comment"] == args.comment]
    config = cloudfront.get_distribution_config(Id=summary["Id"])["DistributionConfig"]
    oacs = cloudfront.list_origin_access_controls()["OriginAccessControlList"].get("Items", [])
    tags = cloudfront.list_tags_for_resource(Resource=summary["ARN"])["Tags"].get("Items", [])
    try:
        encryption = s3.get_bucket_encryption(Bucket=args.bucket)["ServerSideEncryptionConfiguration"][
            "Rules"
        ]
    except ClientError:
        encryption = []
    print(
        json.dumps(
            {
                "arn": summary["ARN"],
                "status": summary["Status"],
                "config": config,
                "oac_ids": {o["Name"]: o["Id"] for o in oacs},
                "tags": {t["Key"]: t["Value"] for t in tags},
                "bucket_policy": json.loads(s3.get_bucket_policy(Bucket=args.bucket)["Policy"]),
                "bucket_encryption": encryption[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"],
                "bucket_public_access_block": s3.get_public_access_block(Bucket=args.bucket)[
                    "PublicAccessBlockConfiguration"
                ],
                "bucket_versioning": s3.get_bucket_versioning(Bucket=args.bucket).get("Status"),
                "bucket_tags": {
                    t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=args.bucket)["TagSet"]
                },
            },
            default=str,
        )
    )


if __name__ == "__main__":
    main()
